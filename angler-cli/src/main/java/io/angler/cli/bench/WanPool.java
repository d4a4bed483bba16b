package io.angler.cli.bench;

import io.angler.core.geo.Geohash;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import io.angler.dht.DhtSwarm;
import io.angler.dht.SearchLimits;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.wrk.PhaseStats;
import io.angler.mpc.placement.PlacementStats;
import io.angler.node.config.HostPort;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.demo.LocalPool;
import io.angler.node.lease.Lease;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import io.angler.node.requester.CandidateSource;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.LeaseClient;
import io.angler.node.requester.Progress;
import io.angler.node.requester.RequestException;
import io.angler.node.requester.RequestResult;
import io.angler.node.requester.RequestSpec;
import io.angler.node.requester.Requester;
import io.angler.node.requester.RequesterSettings;
import io.angler.node.select.RuntimeModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A whole dark pool on this machine with emulated wide-area latency: the flow of {@code angler
 * demo} (a DHT bootstrap node and passive nodes, K providers, a requester, every node with its
 * own identity and data directory), with a {@link DelayingRelay} in front of every TCP endpoint:
 * each provider's control port and MPC port, and the requester's MPC port. Nodes advertise the
 * relays' ports (a provider's {@code node.advertise}, the requester's advertised MPC port), so
 * the requester probes, sets up and claims through the relays, and every MPC connection between
 * two parties passes through the relay of the one that accepts it: each connection pays the
 * round-trip time per exchange, TLS and TCP handshakes included. The DHT's UDP traffic is not
 * delayed (discovery is reported apart for that reason).
 *
 * <p>{@link #run} places one request with either flow (the placement under MPC, or the plaintext
 * baseline) over the same nodes and relays, checks the result against the plaintext placement of
 * the same inputs, measures it, and then releases the leases so the next run sees the same
 * capacities.
 */
public final class WanPool implements AutoCloseable {
    /** Short, so nothing of a run lingers in anyone's DHT; every node of the pool uses it. */
    private static final Duration DHT_EXPIRY = Duration.ofMinutes(2);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STATS_WAIT = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final Path dir;
    private final List<Bid> bids;
    private final Duration oneWay;
    private final boolean cold;
    private final List<FlowRunner> runners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AutoCloseable> parts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ProviderNode> providers = new ArrayList<>();
    private final List<DelayingRelay> controlRelays = new ArrayList<>();
    private final List<DelayingRelay> mpcRelays = new ArrayList<>();
    private final List<Map<String, ProviderView>> views = new ArrayList<>();
    private final Map<Integer, PlacementStats> wrkStats = new ConcurrentHashMap<>();
    private final Map<Integer, ChannelStats> plaintextStats = new ConcurrentHashMap<>();
    private final Map<String, Double> provisionMs = new ConcurrentHashMap<>();
    private volatile Flow flow = Flow.PRIVATE;
    private DhtNode requesterDht;
    private Requester requester;
    private DelayingRelay requesterRelay;
    private volatile boolean closed;

    private WanPool(Path dir, List<Bid> bids, Duration oneWay, boolean cold) {
        this.dir = dir;
        this.bids = List.copyOf(bids);
        this.oneWay = oneWay;
        this.cold = cold;
    }

    /**
     * A pool that has not started yet: {@link #start} starts it, and {@link #close} (from any
     * thread, at any time) stops whatever has started.
     *
     * @param dir where every node keeps its data, and where manifests and kubeconfigs go
     * @param bids provider i's secret capacity and price at index i - 1
     * @param rtt the emulated round-trip time between any two parties
     * @param cold whether every run meets its peers as if for the first time (new connections, base
     *     OTs); otherwise nodes keep idle connections and OT state between runs, as they do in service
     */
    public static WanPool create(Path dir, List<Bid> bids, Duration rtt, boolean cold) {
        if (bids.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one provider");
        }
        return new WanPool(dir, bids, rtt.dividedBy(2), cold);
    }

    /**
     * Starts the DHT, the requester and the providers behind their relays; on failure stops what
     * had started.
     *
     * @param passiveNodes DHT nodes that only route
     */
    public void start(int passiveNodes, Progress progress) {
        try {
            startNodes(passiveNodes, progress);
        } catch (RuntimeException | InterruptedException e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the pool started", e);
            }
            throw (RuntimeException) e;
        }
    }

    private void startNodes(int passiveNodes, Progress progress) throws InterruptedException {
        Geohash location = LocalPool.LOCATION;
        progress.step("starting the DHT: a bootstrap node and " + passiveNodes + " passive nodes");
        DhtNode bootstrap = keep(DhtNode.start(new DhtConfig(dir.resolve("dht/bootstrap"), new InetSocketAddress(LOOPBACK, 0),
                List.of(), location, 6, DHT_EXPIRY)));
        Random spread = new Random(passiveNodes);
        List<Geohash> cells = new ArrayList<>();
        for (int i = 0; i < passiveNodes; i++) {
            cells.add(Geohash.of(location.prefix(5).text() + "0123456789bcdefghjkmnpqrstuvwxyz".charAt(spread.nextInt(32))
                    + "zz"));
        }
        DhtSwarm passive = keep(DhtSwarm.start(dir.resolve("dht/passive"), LOOPBACK, List.of(bootstrap.endpoint()), cells,
                DHT_EXPIRY, null));
        passive.awaitBootstrap(JOIN_TIMEOUT);
        requesterDht = keep(DhtNode.start(new DhtConfig(dir.resolve("dht/requester"), new InetSocketAddress(LOOPBACK, 0),
                List.of(bootstrap.endpoint()), location, 6, DHT_EXPIRY)));

        progress.step("starting the requester and " + bids.size() + " providers, each behind delaying relays ("
                + oneWay.toMillis() * 2 + " ms round trip)");
        requesterRelay = keep(DelayingRelay.open(new InetSocketAddress(LOOPBACK, 0), oneWay));
        requester = keep(Requester.start(new RequesterSettings(dir.resolve("requester"), new HostPort("127.0.0.1", 0),
                null, RuntimeModel.loadDefault(), RequesterSettings.DEFAULT_CONTROL_TIMEOUT,
                requesterRelay.address().getPort()),
                listener -> runner(new FlowRunner(() -> flow, listener, cold, r -> wrkStats.put(0, r),
                        s -> plaintextStats.put(0, s))),
                Clock.systemUTC()));
        requesterRelay.forwardTo(requester.mpcAddress());
        for (int i = 1; i <= bids.size(); i++) {
            startProvider(i, bootstrap.endpoint().getPort());
        }
        for (ProviderNode p : providers) {
            if (!p.awaitAnnounced(JOIN_TIMEOUT)) {
                throw new IllegalStateException("provider " + p.controlAddress() + " could not announce its offer on the"
                        + " DHT within " + JOIN_TIMEOUT.toSeconds() + " s: " + p.announceProblem());
            }
        }
        requesterDht.awaitBootstrap(JOIN_TIMEOUT);
        passive.refresh(Duration.ofMillis(200));
    }

    private void startProvider(int index, int bootstrapPort) {
        String name = "provider-" + index;
        Bid bid = bids.get(index - 1);
        DelayingRelay control = keep(DelayingRelay.open(new InetSocketAddress(LOOPBACK, 0), oneWay));
        DelayingRelay mpc = keep(DelayingRelay.open(new InetSocketAddress(LOOPBACK, 0), oneWay));
        // The benchmark's one requester runs many sessions in a row: the default rate limits
        // (a burst of 10 per identity) would refuse it, so they are raised here.
        String yaml = """
                node:
                  dataDir: %s/data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  advertise: {controlPort: %d, mpcPort: %d}
                  metrics: "off"
                  dht: {listen: 127.0.0.1:0, bootstrap: ["127.0.0.1:%d"], expiry: %ds}
                  rateLimits:
                    perIdentity: {burst: 100000, perMinute: 100000}
                    perAddress: {burst: 100000, perMinute: 100000}
                offers:
                  - name: bench
                    unit: %s
                    quantity: %d
                    price: "%d"
                    location: %s
                provisioner: {directory: %s/manifests}
                """.formatted(name, control.address().getPort(), mpc.address().getPort(), bootstrapPort,
                DHT_EXPIRY.toSeconds(), LocalPool.UNIT.canonical(), bid.capacity(), bid.price(), LocalPool.LOCATION, name);
        ProviderConfig config = ProviderConfigLoader.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
        Provisioner provisioner = timed(new ManifestProvisioner(config.provisioner().directory(),
                new NamespaceManifests(config.provisioner().egress()), null));
        ProviderNode node = keep(ProviderNode.start(config, provisioner, null,
                listener -> runner(new FlowRunner(() -> flow, listener, cold, r -> wrkStats.put(index, r),
                        s -> plaintextStats.put(index, s))), Clock.systemUTC()));
        control.forwardTo(node.controlAddress());
        mpc.forwardTo(node.mpcAddress());
        Map<String, ProviderView> mine = new ConcurrentHashMap<>();
        node.sessions().observe((sessionId, i, view) -> {
            if (view != null) {
                mine.put(sessionId, view);
            }
        });
        providers.add(node);
        controlRelays.add(control);
        mpcRelays.add(mpc);
        views.add(mine);
    }

    private FlowRunner runner(FlowRunner r) {
        runners.add(r);
        return r;
    }

    /** The provisioner, timed: provisioning is reported apart from the claim's round trip. */
    private Provisioner timed(Provisioner p) {
        return new Provisioner() {
            @Override
            public Provisioned provision(Lease lease, CredentialRequest credentials) {
                long t = System.nanoTime();
                try {
                    return p.provision(lease, credentials);
                } finally {
                    provisionMs.put(lease.id(), (System.nanoTime() - t) / 1e6);
                }
            }

            @Override
            public void deprovision(Lease lease) {
                p.deprovision(lease);
            }
        };
    }

    private <T extends AutoCloseable> T keep(T part) {
        parts.add(part);
        if (closed) { // closed while starting (interrupted): nothing may outlive the pool
            closeQuietly(part);
            throw new IllegalStateException("the pool was closed while it started");
        }
        return part;
    }

    public int providerCount() {
        return providers.size();
    }

    /**
     * One measured run.
     *
     * @param flow which placement ran
     * @param phasesMs discovery, probe, setup, placement, claim (its round trip without the
     *     winner's provisioning), provision, kubeconfig, total: the requester's view, discovery to
     *     credentials
     * @param placementMs the placement's parts at the requester: for the private flow the mesh
     *     set-up ({@code connect}) and the engine's phases; for the plaintext flow the whole exchange
     * @param rounds the engine's communication rounds per phase (the most any party ran); for the
     *     plaintext flow its one exchange (a provider's messages: the bid)
     * @param requesterBytes payload bytes the requester sent in the placement
     * @param providerBytes payload bytes a provider sent in the placement, mean over the providers
     * @param controlBytes bytes on the wire of one provider's control connections (TLS included), mean
     * @param placementWireBytes bytes on the wire of every placement connection (TLS included), summed
     * @param connections TCP connections made through the relays
     * @param cpuMs CPU time of this whole process during the run (every party shares it)
     * @param relayCpuMs the part of {@code cpuMs} the relays used: the emulation's cost, not the flow's
     * @param engineCpuMs the MPC engine's CPU time at the busiest party (its protocol thread; 0 for
     *     the plaintext flow): about what that party's own machine would spend
     * @param allocations what the requester got
     */
    public record Run(Flow flow, Map<String, Double> phasesMs, Map<String, Double> placementMs, Map<String, Long> rounds,
                      long requesterBytes, double providerBytes, double controlBytes, long placementWireBytes,
                      int connections, double cpuMs, double relayCpuMs, double engineCpuMs, List<Allocation> allocations) {
    }

    /**
     * A run in which not every provider took part (the DHT lookup missed one, or one did not
     * answer the probe in time): it measured a smaller session, so it does not count; it may be
     * repeated.
     */
    public static final class IncompleteRun extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        IncompleteRun(String message) {
            super(message);
        }
    }

    /**
     * Places {@code request} with {@code flow}, checks the result against the plaintext placement,
     * and releases the leases afterwards (not timed).
     *
     * @throws RequestException if the request failed
     * @throws IncompleteRun if not every provider took part
     * @throws IllegalStateException if the result is wrong
     */
    public Run run(Flow flow, PlacementMode mode, PlacementRequest request, Duration sessionTimeout) {
        int k = providers.size();
        this.flow = flow;
        if (cold) {
            runners.forEach(FlowRunner::dropIdleLinks); // not timed
        }
        wrkStats.clear();
        plaintextStats.clear();
        long[] before = relayBytes();
        int connectionsBefore = connections();
        long cpuBefore = processCpuNanos();
        long relayCpuBefore = relayCpuNanos();
        RequestSpec spec = new RequestSpec(LocalPool.UNIT, request.units(), LocalPool.LOCATION, mode,
                request.maxProviders(), null, RequestSpec.MAX_SESSION_TIMEOUT, k + 1,
                new SearchLimits(6, 4, k, Duration.ofSeconds(10)), Duration.ofHours(1), false, dir.resolve("kubeconfigs"),
                sessionTimeout, 1);
        RequestResult r = requester.request(spec, CandidateSource.dht(requesterDht), Progress.NONE);
        double cpuMs = (processCpuNanos() - cpuBefore) / 1e6;
        double relayCpuMs = (relayCpuNanos() - relayCpuBefore) / 1e6;
        long[] after = relayBytes();
        int connections = connections() - connectionsBefore;
        try {
            if (r.providers().size() != k) {
                throw new IncompleteRun("only " + r.providers().size() + " of the " + k + " providers took part ("
                        + r.candidatesFound() + " found on the DHT, " + r.candidatesProbed() + " answered the probe);"
                        + " a run must have them all to be comparable");
            }
            check(mode, r);
            awaitStatistics(flow, k);
            return measure(flow, r, before, after, connections, cpuMs, relayCpuMs);
        } finally {
            release(r);
        }
    }

    /**
     * Checks the result against the plaintext placement of the same inputs in session order, and
     * every provider's view against what the plaintext placement tells it.
     */
    private void check(PlacementMode mode, RequestResult r) {
        List<Integer> order = new ArrayList<>();
        List<Bid> inSessionOrder = new ArrayList<>();
        for (RequestResult.SessionProvider sp : r.providers()) {
            int i = indexOf(sp.fingerprint());
            order.add(i);
            inSessionOrder.add(bids.get(i - 1));
        }
        PlacementOutcome expected = PlaintextPlacement.place(mode, r.request(), inSessionOrder);
        if (!expected.allocations().equals(r.allocations())) {
            throw new IllegalStateException("the " + flow.label() + " flow gave " + r.allocations()
                    + " but the plaintext placement of the same inputs gives " + expected.allocations() + "; this is a bug");
        }
        long deadline = System.nanoTime() + STATS_WAIT.toNanos();
        for (int s = 0; s < order.size(); s++) {
            Map<String, ProviderView> seen = views.get(order.get(s) - 1);
            ProviderView v;
            while ((v = seen.get(r.sessionId())) == null && System.nanoTime() < deadline) {
                sleep(5);
            }
            ProviderView want = expected.providerView(s + 1);
            if (v == null || v.won() != want.won() || v.units() != want.units() || v.price() != want.price()) {
                throw new IllegalStateException("provider " + (s + 1) + " of the session learned " + v + ", not " + want
                        + "; this is a bug");
            }
        }
    }

    /** Providers report their figures when their side ends, which may be just after the requester's. */
    private void awaitStatistics(Flow f, int k) {
        Map<Integer, ?> stats = f == Flow.PRIVATE ? wrkStats : plaintextStats;
        long deadline = System.nanoTime() + STATS_WAIT.toNanos();
        while (stats.size() < k + 1 && System.nanoTime() < deadline) {
            sleep(5);
        }
        if (stats.size() < k + 1) {
            throw new IllegalStateException("only " + stats.size() + " of " + (k + 1) + " parties reported their figures");
        }
    }

    private Run measure(Flow f, RequestResult r, long[] before, long[] after, int connections, double cpuMs,
                        double relayCpuMs) {
        int k = providers.size();
        Map<String, Double> t = r.timingsMs();
        double provision = 0;
        for (HeldLease l : r.leases()) {
            provision = Math.max(provision, provisionMs.getOrDefault(l.leaseId(), 0.0));
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("discovery", t.get("discovery"));
        phases.put("probe", t.get("probe"));
        phases.put("setup", t.get("setup"));
        phases.put("placement", t.get("mpc"));
        phases.put("claim", Math.max(0, t.get("claim") - provision));
        phases.put("provision", provision);
        phases.put("kubeconfig", t.get("kubeconfig"));
        phases.put("total", t.get("total"));

        Map<String, Double> placement = new LinkedHashMap<>();
        Map<String, Long> rounds = new LinkedHashMap<>();
        long requesterBytes;
        double providerBytes = 0;
        double engineCpu = 0;
        if (f == Flow.PRIVATE) {
            PlacementStats mine = wrkStats.get(0);
            placement.put("connect", Math.max(0, t.get("mpc") - mine.total().millis()));
            for (PhaseStats ps : mine.phases()) {
                placement.put(ps.name(), ps.millis());
                rounds.put(ps.name(), 0L);
            }
            for (PlacementStats w : wrkStats.values()) {
                for (PhaseStats ps : w.phases()) {
                    rounds.merge(ps.name(), ps.rounds(), Math::max);
                }
            }
            requesterBytes = mine.total().bytesSent();
            for (int i = 1; i <= k; i++) {
                providerBytes += wrkStats.get(i).total().bytesSent();
            }
            engineCpu = wrkStats.values().stream().mapToDouble(w -> w.total().cpuMillis()).max().orElse(0);
        } else {
            placement.put("connect+exchange", t.get("mpc"));
            // One message each way per provider: the bid, then the result.
            rounds.put("connect+exchange", plaintextStats.values().stream().mapToLong(ChannelStats::messagesSent).min()
                    .orElse(0));
            requesterBytes = plaintextStats.get(0).bytesSent();
            for (int i = 1; i <= k; i++) {
                providerBytes += plaintextStats.get(i).bytesSent();
            }
        }
        double control = 0;
        long wire = after[k * 2] - before[k * 2];
        for (int i = 0; i < k; i++) {
            control += after[i] - before[i];
            wire += after[k + i] - before[k + i];
        }
        return new Run(f, phases, placement, rounds, requesterBytes, providerBytes / k, control / k, wire, connections,
                cpuMs, relayCpuMs, engineCpu, r.allocations());
    }

    /** Control relays' bytes (providers 1..K), then the providers' MPC relays', then the requester's. */
    private long[] relayBytes() {
        int k = providers.size();
        long[] b = new long[2 * k + 1];
        for (int i = 0; i < k; i++) {
            b[i] = controlRelays.get(i).bytesForwarded();
            b[k + i] = mpcRelays.get(i).bytesForwarded();
        }
        b[2 * k] = requesterRelay.bytesForwarded();
        return b;
    }

    private long relayCpuNanos() {
        long n = requesterRelay.cpuNanos();
        for (int i = 0; i < providers.size(); i++) {
            n += controlRelays.get(i).cpuNanos() + mpcRelays.get(i).cpuNanos();
        }
        return n;
    }

    private int connections() {
        int n = requesterRelay.connections();
        for (int i = 0; i < providers.size(); i++) {
            n += controlRelays.get(i).connections() + mpcRelays.get(i).connections();
        }
        return n;
    }

    /** Gives the units back (lease released at its winner), so the next run sees the same capacities. */
    private void release(RequestResult r) {
        LeaseClient leases = new LeaseClient(requester.identity(), requester.heldLeases(),
                RequesterSettings.DEFAULT_CONTROL_TIMEOUT);
        for (HeldLease l : r.leases()) {
            try {
                leases.release(l.leaseId());
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("could not release lease " + l.leaseId() + " after the run: "
                        + e.getMessage(), e);
            }
        }
    }

    private int indexOf(String fingerprint) {
        for (int i = 0; i < providers.size(); i++) {
            if (providers.get(i).fingerprint().equals(fingerprint)) {
                return i + 1;
            }
        }
        throw new IllegalStateException("the session has a provider this pool did not start: " + fingerprint);
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops every node and relay, and the DHT. Idempotent; may be called while a run is under way. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The requester first (its session ends everywhere), then the providers in parallel (each
        // waits briefly for its sessions), then the relays and the DHT.
        parts.stream().filter(p -> p instanceof Requester).forEach(WanPool::closeQuietly);
        parts.stream().filter(p -> p instanceof ProviderNode).parallel().forEach(WanPool::closeQuietly);
        parts.stream().filter(p -> p instanceof DelayingRelay).forEach(WanPool::closeQuietly);
        List<AutoCloseable> rest = new ArrayList<>(parts.stream()
                .filter(p -> !(p instanceof Requester || p instanceof ProviderNode || p instanceof DelayingRelay)).toList());
        java.util.Collections.reverse(rest);
        rest.forEach(WanPool::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }
}
