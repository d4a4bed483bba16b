package io.angler.node.provider;

import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.TlsIdentity;
import io.angler.node.config.OfferConfig;
import io.angler.node.config.ProviderConfig;
import io.angler.node.control.ControlServer;
import io.angler.node.lease.FileLeaseStore;
import io.angler.node.lease.LeaseKeeper;
import io.angler.node.lease.LeaseStore;
import io.angler.node.lease.Ledger;
import io.angler.node.limit.SessionRateLimiter;
import io.angler.node.metrics.NodeMetrics;
import io.angler.node.metrics.OpsServer;
import io.angler.node.provision.Provisioner;
import io.angler.core.geo.Geohash;
import io.angler.node.config.NodeSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running provider: its identity, ledger and leases, the control endpoint, the MPC endpoint its
 * sessions connect through, its offers announced on the DHT, the lease sweep, and the metrics and
 * health endpoint. Started from a {@link ProviderConfig}, or from node settings alone with offers
 * {@link #publish published} and {@link #withdraw withdrawn} while it runs (the Kubernetes
 * operator does that from PoolContributions). Closing it withdraws the offers and stops every
 * thread and listener it started. Running sessions die with it, and so do their reservations; the
 * leases stay in their store for the next start.
 */
public final class ProviderNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderNode.class);
    /** How often expired leases and stale reservations are looked for. */
    public static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);
    /** Where the DHT node keeps its ID and routing table, inside the data directory. */
    public static final String DHT_DIR = "dht";

    private final ProviderConfig config;
    private final NodeSettings settings;
    private final TlsIdentity identity;
    private final Ledger ledger;
    private final LeaseKeeper keeper;
    private final NodeMetrics metrics;
    private final ProviderSessions sessions;
    private final MpcListener mpc;
    private final ControlServer control;
    private final OpsServer ops;
    private final OfferAnnouncer announcer;
    /** Closed before the sessions when it holds connections of its own (the MPC runner does). */
    private final AutoCloseable closeableRunner;

    private ProviderNode(ProviderConfig config, NodeSettings settings, TlsIdentity identity, Ledger ledger,
                         LeaseKeeper keeper, NodeMetrics metrics, ProviderSessions sessions, MpcListener mpc,
                         ControlServer control, OpsServer ops, OfferAnnouncer announcer, AutoCloseable closeableRunner) {
        this.config = config;
        this.settings = settings;
        this.identity = identity;
        this.ledger = ledger;
        this.keeper = keeper;
        this.metrics = metrics;
        this.sessions = sessions;
        this.mpc = mpc;
        this.control = control;
        this.ops = ops;
        this.announcer = announcer;
        this.closeableRunner = closeableRunner;
    }

    /**
     * Starts a provider.
     *
     * @param config the configuration
     * @param provisioner what provisions leases (manifests, or the cluster)
     * @param leases where leases are kept, or null for {@code leases.json} in the data directory
     * @param runners makes the runner of this provider's side of a placement from the node's MPC
     *     listener; null if this build cannot run placements (setups are then refused, saying so)
     * @param clock the time source
     */
    public static ProviderNode start(ProviderConfig config, Provisioner provisioner, LeaseStore leases,
                                     Function<MpcListener, SessionRunner> runners, Clock clock) {
        return start(config, config.node(), config.offers().get(0).offer().location(), config.offers(), provisioner,
                leases, runners, clock);
    }

    /**
     * Starts a provider whose offers are published while it runs (the operator's node).
     *
     * @param node the node's settings
     * @param location where the node is: its DHT node ID starts with this cell's bits
     * @param offers the offers to serve and announce from the start (may be empty)
     * @param provisioner what provisions leases
     * @param leases where leases are kept, or null for {@code leases.json} in the data directory
     * @param runners makes the runner of this provider's side of a placement, or null (see above)
     * @param clock the time source
     */
    public static ProviderNode start(NodeSettings node, Geohash location, List<OfferConfig> offers,
                                     Provisioner provisioner, LeaseStore leases,
                                     Function<MpcListener, SessionRunner> runners, Clock clock) {
        return start(null, node, location, offers, provisioner, leases, runners, clock);
    }

    private static ProviderNode start(ProviderConfig config, NodeSettings node, Geohash location,
                                      List<OfferConfig> offers, Provisioner provisioner, LeaseStore leases,
                                      Function<MpcListener, SessionRunner> runners, Clock clock) {
        TlsIdentity identity = TlsIdentity.loadOrCreate(node.dataDir());
        LeaseStore store = leases != null ? leases : new FileLeaseStore(node.dataDir());
        Ledger ledger = Ledger.open(offers.stream().map(OfferConfig::offer).toList(), store, node.dataDir(), clock);
        LeaseKeeper keeper = new LeaseKeeper(ledger, provisioner);
        keeper.sweep(); // leases that expired while the node was down
        NodeMetrics metrics = new NodeMetrics(NodeMetrics.Role.PROVIDER);
        metrics.leasesActive(() -> ledger.leases().size());
        MpcListener mpc = null;
        ProviderSessions sessions = null;
        ControlServer control = null;
        OpsServer ops = null;
        OfferAnnouncer announcer = null;
        SessionRunner runner = null;
        try {
            mpc = MpcListener.bind(identity, node.mpcListen().resolve());
            runner = runners == null ? null : runners.apply(mpc);
            // What requesters are told and find: the advertised ports (a relay or port forward may stand in front).
            int advertisedMpc = node.advertise().mpc(mpc.address().getPort());
            sessions = new ProviderSessions(node.sessions(), offers, identity.fingerprint(), advertisedMpc,
                    keeper, new SessionRateLimiter(node.rateLimits()), metrics, runner, clock);
            control = ControlServer.start(identity, node.listen().resolve(), sessions::handle, ControlServer.Limits.DEFAULT);
            if (node.dht() != null) {
                announcer = OfferAnnouncer.start(node.dht(), node.dataDir().resolve(DHT_DIR), location, offers,
                        node.advertise().control(control.address().getPort()));
            }
            if (node.metrics() != null) {
                ControlServer c = control;
                OfferAnnouncer a = announcer;
                ops = new OpsServer(node.metrics().resolve(), metrics).liveCheck("control", c::isRunning);
                if (a != null) {
                    ops.check("dht-announced", a::announced);
                }
                ops.start();
            }
            keeper.start(SWEEP_PERIOD);
        } catch (RuntimeException e) {
            closeAll(announcer, control, ops, closeable(runner), sessions, mpc, keeper);
            throw e;
        }
        ProviderNode p = new ProviderNode(config, node, identity, ledger, keeper, metrics, sessions, mpc, control, ops,
                announcer, closeable(runner));
        log.info("provider {} listening on {} (control), {} (MPC){}{}; offers: {}", identity.fingerprint(),
                control.address(), mpc.address(), ops == null ? "" : ", " + ops.address() + " (metrics, health)",
                announcer == null ? "; not on the DHT" : "; DHT node " + announcer.endpoint(),
                offers.isEmpty() ? "none yet" : offers.stream().map(ProviderNode::describe).collect(Collectors.joining("; ")));
        return p;
    }

    /** An offer as it may be logged: name, unit, place and precisions; never quantity or price. */
    static String describe(OfferConfig oc) {
        return oc.offer().name() + " (" + oc.offer().unit() + " at " + oc.offer().location() + ", precisions "
                + oc.announcePrecisions() + ")";
    }

    /** The configuration it was started from, or null for a node whose offers are published at run time. */
    public ProviderConfig config() {
        return config;
    }

    public NodeSettings settings() {
        return settings;
    }

    /**
     * Serves and announces an offer from now on, or replaces the offer of that name (a new quantity,
     * price function, unit, location or precisions). Its leases and reservations stay counted (see
     * {@link Ledger}). Announcing runs in the background: {@link #announceProblem(String)} says when
     * it is done.
     *
     * @throws IllegalArgumentException if another offer has one of its pool keys; nothing changes then
     */
    public synchronized void publish(OfferConfig oc) {
        sessions.checkKeys(oc);
        ledger.putOffer(oc.offer()); // counted before any session can find it
        sessions.publish(oc);
        if (announcer != null) {
            announcer.announce(oc);
        }
    }

    /**
     * Stops announcing and serving the offer; its leases run until they end, and sessions already
     * running on it finish. Idempotent.
     */
    public synchronized void withdraw(String offerName) {
        if (announcer != null) {
            announcer.withdraw(offerName);
        }
        sessions.withdraw(offerName);
        ledger.removeOffer(offerName);
    }

    /**
     * Why the offer is not stored on the DHT yet: "" once it is, and when there is no DHT or no such
     * offer.
     */
    public String announceProblem(String offerName) {
        return announcer == null ? "" : announcer.problem(offerName);
    }

    /**
     * Adds a check to /healthz (the node must have a metrics endpoint, else this does nothing).
     *
     * @param live true if a failure means the process should be restarted (it also fails /livez)
     */
    public void healthCheck(String name, boolean live, java.util.function.BooleanSupplier healthy) {
        if (ops != null) {
            if (live) {
                ops.liveCheck(name, healthy);
            } else {
                ops.check(name, healthy);
            }
        }
    }

    public TlsIdentity identity() {
        return identity;
    }

    public String fingerprint() {
        return identity.fingerprint();
    }

    public InetSocketAddress controlAddress() {
        return control.address();
    }

    public InetSocketAddress mpcAddress() {
        return mpc.address();
    }

    /** The metrics endpoint's address, or null when turned off. */
    public InetSocketAddress opsAddress() {
        return ops == null ? null : ops.address();
    }

    /** The UDP endpoint of this provider's DHT node, or null when it is not on a DHT. */
    public InetSocketAddress dhtAddress() {
        return announcer == null ? null : announcer.endpoint();
    }

    /**
     * Waits until the offers are announced on the DHT (true at once when there is no DHT).
     *
     * @return false if they were not within {@code timeout}
     */
    public boolean awaitAnnounced(Duration timeout) throws InterruptedException {
        return announcer == null || announcer.awaitAnnounced(timeout);
    }

    /** Why the offers are not announced yet, or "" when they are (or there is no DHT). */
    public String announceProblem() {
        return announcer == null ? "" : announcer.problem();
    }

    public Ledger ledger() {
        return ledger;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    public ProviderSessions sessions() {
        return sessions;
    }

    @Override
    public void close() {
        closeAll(announcer, control, ops, closeableRunner, sessions, mpc, keeper);
        log.info("provider {} stopped", identity.fingerprint());
    }

    private static AutoCloseable closeable(SessionRunner runner) {
        return runner instanceof AutoCloseable c ? c : null;
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
