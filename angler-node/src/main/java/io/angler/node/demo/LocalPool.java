package io.angler.node.demo;

import io.angler.core.geo.Geohash;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import io.angler.dht.DhtSwarm;
import io.angler.dht.SearchLimits;
import io.angler.mpc.net.MpcListener;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.lease.Lease;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provider.SessionRunner;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import io.angler.node.requester.CandidateSource;
import io.angler.node.requester.Progress;
import io.angler.node.requester.RequestResult;
import io.angler.node.requester.RequestSpec;
import io.angler.node.requester.Requester;
import io.angler.node.requester.RequesterRunner;
import io.angler.node.requester.RequesterSettings;
import io.angler.node.config.HostPort;
import io.angler.node.select.RuntimeModel;
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
import java.util.function.Function;

/**
 * A whole dark pool on this machine, every node on loopback with its own data directory under one
 * directory: a DHT bootstrap node and passive DHT nodes, K provider nodes (each its own identity,
 * ledger, control and MPC endpoints, announcing its offer on the DHT) and one requester with its
 * own DHT node. {@link #request} runs one request through discovery, probe, selection, set-up,
 * placement, claim and provisioning (the manifest provisioner), exactly as separate processes
 * would, and reports what every party learned. {@code angler demo} is built on it.
 *
 * <p>Each provider's secret inputs are its offer's quantity and a constant price; the pool holds
 * them only so the demo can print them next to the result.
 */
public final class LocalPool implements AutoCloseable {
    /** Small, so that a demo's namespaces fit on a laptop cluster. */
    public static final ResourceUnit UNIT = ResourceUnit.parse("cpu=100m,memory=64Mi");
    public static final Geohash LOCATION = Geohash.of("dn5bpsbw");
    /** Short, so nothing of a run lingers long in anyone's DHT; every node of the pool uses it. */
    static final Duration DHT_EXPIRY = Duration.ofMinutes(2);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Bid> secrets;
    private final DhtNode bootstrap;
    private final DhtSwarm passive;
    private final List<ProviderNode> providers = new ArrayList<>();
    private final Map<String, Map<String, ProviderView>> views = new ConcurrentHashMap<>();
    private final Map<String, Double> provisionMs = new ConcurrentHashMap<>();
    private final Map<String, String> provisionedWhere = new ConcurrentHashMap<>();
    private final DhtNode requesterDht;
    private final Requester requester;

    private LocalPool(Path dir, List<Bid> secrets, DhtNode bootstrap, DhtSwarm passive, DhtNode requesterDht,
                      Requester requester) {
        this.dir = dir;
        this.secrets = secrets;
        this.bootstrap = bootstrap;
        this.passive = passive;
        this.requesterDht = requesterDht;
        this.requester = requester;
    }

    /**
     * Starts the pool.
     *
     * @param dir where every node keeps its data, and where manifests and kubeconfigs go
     * @param bids provider i's secret capacity and price at index i - 1
     * @param passiveNodes DHT nodes that only route
     * @param providerRunners makes a provider's placement runner from its MPC listener
     * @param requesterRunners makes the requester's placement runner from its MPC listener
     * @param provisioners makes each provider's provisioner from its configuration, or null for
     *     the manifest provisioner (files in the provider's directory, no cluster)
     */
    public static LocalPool start(Path dir, List<Bid> bids, int passiveNodes,
                                  Function<MpcListener, SessionRunner> providerRunners,
                                  Function<MpcListener, RequesterRunner> requesterRunners,
                                  Function<ProviderConfig, Provisioner> provisioners, Progress progress) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        progress.step("starting the DHT: a bootstrap node and " + passiveNodes + " passive nodes");
        DhtNode bootstrap = DhtNode.start(new DhtConfig(dir.resolve("dht/bootstrap"), new InetSocketAddress(loopback, 0),
                List.of(), LOCATION, 6, DHT_EXPIRY));
        DhtSwarm passive = null;
        DhtNode requesterDht = null;
        Requester requester = null;
        LocalPool pool = null;
        try {
            Random spread = new Random(bids.size());
            List<Geohash> cells = new ArrayList<>();
            for (int i = 0; i < passiveNodes; i++) {
                cells.add(Geohash.of(LOCATION.prefix(5).text() + "0123456789bcdefghjkmnpqrstuvwxyz".charAt(spread.nextInt(32)) + "zz"));
            }
            passive = DhtSwarm.start(dir.resolve("dht/passive"), loopback, List.of(bootstrap.endpoint()), cells,
                    DHT_EXPIRY, null);
            passive.awaitBootstrap(JOIN_TIMEOUT);
            requesterDht = DhtNode.start(new DhtConfig(dir.resolve("dht/requester"), new InetSocketAddress(loopback, 0),
                    List.of(bootstrap.endpoint()), LOCATION, 6, DHT_EXPIRY));
            requester = Requester.start(new RequesterSettings(dir.resolve("requester"), new HostPort("127.0.0.1", 0), null,
                    RuntimeModel.loadDefault(), RequesterSettings.DEFAULT_CONTROL_TIMEOUT), requesterRunners, Clock.systemUTC());
            pool = new LocalPool(dir, List.copyOf(bids), bootstrap, passive, requesterDht, requester);
            progress.step("starting " + bids.size() + " provider nodes and announcing their offers");
            for (int i = 0; i < bids.size(); i++) {
                pool.startProvider(i + 1, bids.get(i), providerRunners, provisioners);
            }
            for (ProviderNode p : pool.providers) {
                if (!p.awaitAnnounced(JOIN_TIMEOUT)) {
                    throw new IllegalStateException("provider " + p.controlAddress() + " could not announce its offer on the"
                            + " DHT within " + JOIN_TIMEOUT.toSeconds() + " s: " + p.announceProblem());
                }
            }
            requesterDht.awaitBootstrap(JOIN_TIMEOUT);
            passive.refresh(Duration.ofMillis(200));
            return pool;
        } catch (RuntimeException | InterruptedException e) {
            if (pool != null) {
                pool.close();
            } else {
                closeQuietly(requester, requesterDht, passive, bootstrap);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the pool started", e);
            }
            throw (RuntimeException) e;
        }
    }

    private void startProvider(int index, Bid bid, Function<MpcListener, SessionRunner> runners,
                               Function<ProviderConfig, Provisioner> provisioners) {
        String name = "provider-" + index;
        String yaml = """
                node:
                  dataDir: %s/data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  metrics: "off"
                  dht: {listen: 127.0.0.1:0, bootstrap: ["%s"], expiry: %ds}
                offers:
                  - name: demo
                    unit: %s
                    quantity: %d
                    price: "%d"
                    location: %s
                provisioner: {directory: %s/manifests}
                """.formatted(name, HostPort.parse("127.0.0.1:" + bootstrap.endpoint().getPort()), DHT_EXPIRY.toSeconds(),
                UNIT.canonical(), bid.capacity(), bid.price(), LOCATION, name);
        ProviderConfig config = ProviderConfigLoader.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
        Provisioner provisioner = provisioners != null ? provisioners.apply(config)
                : new ManifestProvisioner(config.provisioner().directory(), new NamespaceManifests(config.provisioner().egress()),
                        null);
        ProviderNode node = ProviderNode.start(config, timed(provisioner), null, runners, Clock.systemUTC());
        Map<String, ProviderView> mine = new ConcurrentHashMap<>();
        views.put(node.fingerprint(), mine);
        node.sessions().observe((sessionId, i, view) -> {
            if (view != null) {
                mine.put(sessionId, view);
            }
        });
        providers.add(node);
    }

    /** The provisioner, timed: the demo reports provisioning apart from the claim round trip. */
    private Provisioner timed(Provisioner p) {
        return new Provisioner() {
            @Override
            public Provisioned provision(Lease lease, CredentialRequest credentials) {
                long t = System.nanoTime();
                try {
                    Provisioned done = p.provision(lease, credentials);
                    provisionedWhere.put(lease.id(), done.where());
                    return done;
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

    public Path dir() {
        return dir;
    }

    public List<ProviderNode> providers() {
        return List.copyOf(providers);
    }

    public Requester requester() {
        return requester;
    }

    /**
     * What one demo request came to.
     *
     * @param result the requester's result
     * @param bids the secret inputs of the session's providers, in session order
     * @param views what each of the session's providers learned, in session order
     * @param timingsMs discovery, probe, setup, mpc, claim (without provisioning), provision, total
     * @param provisioned per lease, where its winner provisioned it (a manifest directory or a cluster)
     */
    public record Run(RequestResult result, List<Bid> bids, List<ProviderView> views, Map<String, Double> timingsMs,
                      Map<String, String> provisioned) {
    }

    /** Runs one request from the pool's requester: leases of an hour, kubeconfigs in {@code <dir>/kubeconfigs}. */
    public Run request(PlacementMode mode, PlacementRequest request, Progress progress) {
        return request(mode, request, Duration.ofHours(1), dir.resolve("kubeconfigs"), progress);
    }

    /** Runs one request from the pool's requester, asking for {@code lease}, kubeconfigs into {@code kubeconfigs}. */
    public Run request(PlacementMode mode, PlacementRequest request, Duration lease, Path kubeconfigs, Progress progress) {
        int k = providers.size();
        RequestSpec spec = new RequestSpec(UNIT, request.units(), LOCATION, mode, request.maxProviders(), null,
                RequestSpec.MAX_SESSION_TIMEOUT, k + 1, new SearchLimits(6, 4, k, Duration.ofSeconds(10)),
                lease, false, kubeconfigs, Duration.ofSeconds(120), 3);
        RequestResult r = requester.request(spec, CandidateSource.dht(requesterDht), progress);
        List<Bid> bids = new ArrayList<>();
        List<ProviderView> seen = new ArrayList<>();
        for (RequestResult.SessionProvider sp : r.providers()) {
            int i = indexOf(sp.fingerprint());
            bids.add(secrets.get(i));
            ProviderView v = views.get(sp.fingerprint()).get(r.sessionId());
            seen.add(v == null ? null : new ProviderView(sp.index(), v.won(), v.units(), v.price()));
        }
        Map<String, String> where = new LinkedHashMap<>();
        double provision = 0;
        for (var held : r.leases()) {
            where.put(held.leaseId(), provisionedWhere.getOrDefault(held.leaseId(), "?"));
            provision = Math.max(provision, provisionMs.getOrDefault(held.leaseId(), 0.0));
        }
        Map<String, Double> t = new LinkedHashMap<>();
        Map<String, Double> rt = r.timingsMs();
        for (String phase : List.of("discovery", "probe", "setup", "mpc")) {
            t.put(phase, rt.get(phase));
        }
        t.put("claim", Math.max(0, rt.get("claim") - provision) + rt.get("kubeconfig"));
        t.put("provision", provision);
        t.put("total", rt.get("total"));
        return new Run(r, bids, seen, t, where);
    }

    private int indexOf(String fingerprint) {
        for (int i = 0; i < providers.size(); i++) {
            if (providers.get(i).fingerprint().equals(fingerprint)) {
                return i;
            }
        }
        throw new IllegalStateException("the session has a provider this pool did not start: " + fingerprint);
    }

    @Override
    public void close() {
        closeQuietly(requester);
        providers.parallelStream().forEach(LocalPool::closeQuietly);
        closeQuietly(requesterDht, passive, bootstrap);
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }
        }
    }
}
