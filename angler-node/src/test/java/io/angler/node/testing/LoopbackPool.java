package io.angler.node.testing;

import io.angler.core.geo.Geohash;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.SearchLimits;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.requester.CandidateSource;
import io.angler.node.requester.RequestSpec;
import io.angler.node.requester.Requester;
import io.angler.node.requester.RequesterSettings;
import io.angler.node.config.HostPort;
import io.angler.node.select.RuntimeModel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider nodes and requesters on loopback, every one with its own data directory, control and
 * MPC listeners on OS-chosen ports, and the placement played by an {@link IdealMpc} (TEST DOUBLE).
 * Providers are not on a DHT; requesters are given their addresses.
 */
public final class LoopbackPool implements AutoCloseable {
    public static final String UNIT = "cpu=200m,memory=128Mi";
    public static final Geohash LOCATION = Geohash.of("dn5bpsbw");

    /** The ideal functionality playing the placement, or null when the real MPC runs. */
    public final IdealMpc mpc;
    private final Path dir;
    private final Map<String, ProviderNode> providers = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, ProviderConfig> configs = new LinkedHashMap<>();
    private final List<Requester> requesters = new ArrayList<>();
    /** The control and MPC ports each provider last ran on, so a restart keeps its address. */
    private final Map<String, int[]> ports = new LinkedHashMap<>();

    public LoopbackPool(Path dir, IdealMpc mpc) {
        this.dir = dir;
        this.mpc = mpc;
    }

    /** A pool whose sessions run the real placement under MPC (the WRK engine over TLS). */
    public static LoopbackPool underMpc(Path dir) {
        return new LoopbackPool(dir, null);
    }

    private java.util.function.Function<io.angler.mpc.net.MpcListener, io.angler.node.provider.SessionRunner> providerRunners() {
        return mpc != null ? listener -> mpc.providerRunner() : io.angler.node.mpc.MpcPlacementRunner::new;
    }

    /** A provider's configuration: one offer "small" of {@link #UNIT} at {@link #LOCATION}. */
    public ProviderConfig config(String name, long quantity, String price, String nodeExtra) {
        String yaml = """
                node:
                  dataDir: %s-data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  metrics: "off"
                  rateLimits: {perIdentity: {burst: 1000, perMinute: 1000}, perAddress: {burst: 1000, perMinute: 1000}}
                  sessions: {maxConcurrent: 64}
                  %s
                offers:
                  - name: small
                    unit: %s
                    quantity: %d
                    price: "%s"
                    location: %s
                provisioner: {directory: %s-manifests}
                """.formatted(name, nodeExtra, UNIT, quantity, price, LOCATION, name);
        return ProviderConfigLoader.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    /** Starts (or restarts, with the same data directory) provider {@code name}. */
    public ProviderNode start(String name, long quantity, String price) {
        ProviderConfig c = configs.computeIfAbsent(name, n -> config(n, quantity, price, ""));
        return start(c, name);
    }

    public ProviderNode start(ProviderConfig c, String name) {
        return start(c, name, providerRunners());
    }

    /** Starts a provider whose side of the placement runs as {@code runners} makes it (a misbehaving one). */
    public ProviderNode start(String name, long quantity, String price,
                              java.util.function.Function<io.angler.mpc.net.MpcListener, io.angler.node.provider.SessionRunner> runners) {
        return start(configs.computeIfAbsent(name, n -> config(n, quantity, price, "")), name, runners);
    }

    private ProviderNode start(ProviderConfig c, String name,
                               java.util.function.Function<io.angler.mpc.net.MpcListener, io.angler.node.provider.SessionRunner> runners) {
        configs.put(name, c);
        ManifestProvisioner prov = new ManifestProvisioner(c.provisioner().directory(),
                new NamespaceManifests(c.provisioner().egress()), null);
        ProviderNode node = ProviderNode.start(c, prov, null, runners, Clock.systemUTC());
        providers.put(name, node);
        return node;
    }

    /** Stops a provider as abruptly as this process can: sessions die, nothing is withdrawn politely. */
    public void kill(String name) {
        ProviderNode n = providers.remove(name);
        if (n != null) {
            ports.put(name, new int[] {n.controlAddress().getPort(), n.mpcAddress().getPort()});
            n.close();
        }
    }

    /** Stops the provider and starts it again on the same ports with the same data directory. */
    public ProviderNode restart(String name) {
        kill(name);
        ProviderConfig c = configs.get(name);
        var n = c.node();
        int[] p = ports.get(name);
        ProviderConfig same = new ProviderConfig(c.source(), new io.angler.node.config.NodeSettings(n.dataDir(),
                new HostPort("127.0.0.1", p[0]), new HostPort("127.0.0.1", p[1]), n.metrics(), n.dht(), n.rateLimits(),
                n.sessions()), c.offers(), c.provisioner());
        return start(same, name);
    }

    public ProviderNode provider(String name) {
        return providers.get(name);
    }

    public ProviderConfig configOf(String name) {
        return configs.get(name);
    }

    /** The provider with this fingerprint, by name. */
    public String nameOf(String fingerprint) {
        for (Map.Entry<String, ProviderNode> e : providers.entrySet()) {
            if (e.getValue().fingerprint().equals(fingerprint)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("no provider " + fingerprint);
    }

    /** What a provider would feed into a session now: its free units, its price for them, its minimum request. */
    public Bid bidOf(String name) {
        ProviderNode n = providers.get(name);
        long free = n.ledger().balance("small").free();
        var offer = n.config().offerList().get(0);
        return new Bid(free, offer.priceNow(free), offer.leaseLimits().minUnits());
    }

    public List<InetSocketAddress> addresses() {
        return providers.values().stream().map(ProviderNode::controlAddress).toList();
    }

    public CandidateSource candidates() {
        return CandidateSource.fixed(addresses());
    }

    public Requester requester(String name) {
        return mpc != null ? requester(name, mpc.requesterRunner()) : start(name, io.angler.node.mpc.MpcPlacementRunner::new);
    }

    public Requester requester(String name, io.angler.node.requester.RequesterRunner runner) {
        return start(name, listener -> runner);
    }

    private Requester start(String name,
                            java.util.function.Function<io.angler.mpc.net.MpcListener, io.angler.node.requester.RequesterRunner> runners) {
        RequesterSettings s = new RequesterSettings(dir.resolve(name), new HostPort("127.0.0.1", 0), null,
                RuntimeModel.loadDefault(), Duration.ofSeconds(10));
        Requester r = Requester.start(s, runners, Clock.systemUTC());
        requesters.add(r);
        return r;
    }

    public RequestSpec spec(PlacementMode mode, long units, int maxProviders, Path out) {
        return spec(mode, units, maxProviders, out, null, false, RequestSpec.DEFAULT_MAX_PARTIES);
    }

    public RequestSpec spec(PlacementMode mode, long units, int maxProviders, Path out, Long maxPrice, boolean csr,
                            int maxParties) {
        return new RequestSpec(ResourceUnit.parse(UNIT), units, LOCATION, mode, maxProviders, maxPrice,
                Duration.ofSeconds(5), maxParties, new SearchLimits(6, 4, 8, Duration.ofSeconds(5)), Duration.ofHours(1),
                csr, out, Duration.ofSeconds(30), 3);
    }

    @Override
    public void close() {
        requesters.forEach(Requester::close);
        providers.values().forEach(ProviderNode::close);
        providers.clear();
    }
}
