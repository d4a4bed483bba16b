package io.angler.node.provider;

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
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running provider: its identity, ledger and leases, the control endpoint, the lease sweep, and
 * the metrics and health endpoint. Started from a {@link ProviderConfig}; closing it stops every
 * thread and listener it started. Running sessions die with it, and so do their reservations; the
 * leases stay in the data directory for the next start.
 */
public final class ProviderNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderNode.class);
    /** How often expired leases and stale reservations are looked for. */
    public static final Duration SWEEP_PERIOD = Duration.ofSeconds(1);

    private final TlsIdentity identity;
    private final Ledger ledger;
    private final LeaseKeeper keeper;
    private final NodeMetrics metrics;
    private final ProviderSessions sessions;
    private final ControlServer control;
    private final OpsServer ops;

    private ProviderNode(TlsIdentity identity, Ledger ledger, LeaseKeeper keeper, NodeMetrics metrics,
                         ProviderSessions sessions, ControlServer control, OpsServer ops) {
        this.identity = identity;
        this.ledger = ledger;
        this.keeper = keeper;
        this.metrics = metrics;
        this.sessions = sessions;
        this.control = control;
        this.ops = ops;
    }

    /**
     * Starts a provider.
     *
     * @param config the configuration
     * @param provisioner what provisions leases (manifests, or the cluster)
     * @param leases where leases are kept, or null for {@code leases.json} in the data directory
     * @param runner runs this provider's side of a placement, or null if this build cannot (setups
     *     are then refused, saying so)
     * @param mpcPort the port of the MPC listener the runner uses (reported in probe replies)
     */
    public static ProviderNode start(ProviderConfig config, Provisioner provisioner, LeaseStore leases,
                                     SessionRunner runner, int mpcPort, Clock clock) {
        var node = config.node();
        TlsIdentity identity = TlsIdentity.loadOrCreate(node.dataDir());
        LeaseStore store = leases != null ? leases : new FileLeaseStore(node.dataDir());
        Ledger ledger = Ledger.open(config.offerList(), store, node.dataDir(), clock);
        LeaseKeeper keeper = new LeaseKeeper(ledger, provisioner);
        keeper.sweep(); // leases that expired while the node was down
        NodeMetrics metrics = new NodeMetrics(NodeMetrics.Role.PROVIDER);
        metrics.leasesActive(() -> ledger.leases().size());
        ProviderSessions sessions = new ProviderSessions(config, identity.fingerprint(), mpcPort, keeper,
                new SessionRateLimiter(node.rateLimits()), metrics, runner, clock);
        ControlServer control = null;
        OpsServer ops = null;
        try {
            control = ControlServer.start(identity, node.listen().resolve(), sessions::handle, ControlServer.Limits.DEFAULT);
            if (node.metrics() != null) {
                ControlServer c = control;
                ops = new OpsServer(node.metrics().resolve(), metrics).check("control", c::isRunning).start();
            }
            keeper.start(SWEEP_PERIOD);
        } catch (RuntimeException e) {
            if (control != null) {
                control.close();
            }
            sessions.close();
            keeper.close();
            throw e;
        }
        ProviderNode p = new ProviderNode(identity, ledger, keeper, metrics, sessions, control, ops);
        log.info("provider {} listening on {} (control){}; offers: {}", identity.fingerprint(), control.address(),
                ops == null ? "" : ", " + ops.address() + " (metrics, health)",
                config.offers().stream().map(ProviderNode::describe).collect(Collectors.joining("; ")));
        return p;
    }

    /** An offer as it may be logged: name, unit, place and precisions; never quantity or price. */
    static String describe(OfferConfig oc) {
        return oc.offer().name() + " (" + oc.offer().unit() + " at " + oc.offer().location() + ", precisions "
                + oc.announcePrecisions() + ")";
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

    /** The metrics endpoint's address, or null when turned off. */
    public InetSocketAddress opsAddress() {
        return ops == null ? null : ops.address();
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
        control.close();
        if (ops != null) {
            ops.close();
        }
        sessions.close();
        keeper.close();
        log.info("provider {} stopped", identity.fingerprint());
    }
}
