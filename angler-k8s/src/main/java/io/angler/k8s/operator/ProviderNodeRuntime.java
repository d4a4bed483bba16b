package io.angler.k8s.operator;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.Offer;
import io.angler.k8s.crd.ContributionSpecs;
import io.angler.mpc.net.MpcListener;
import io.angler.node.config.NodeSettings;
import io.angler.node.config.OfferConfig;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseStore;
import io.angler.node.lease.LedgerException;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provider.SessionRunner;
import io.angler.node.provision.Provisioner;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The provider runtime the operator runs: a whole angler-node {@link ProviderNode} (identity,
 * control endpoint, MPC endpoint, DHT node, ledger, lease keeper, metrics and health) whose offers
 * are the PoolContributions and whose leases are the PoolLeases. Sessions, claims, renewals and
 * releases are the node's; the operator publishes and withdraws offers and ends leases deleted in
 * the cluster.
 *
 * <p>Both the node's lease keeper (every second) and the operator (at a PoolLease's expiry, or when
 * one is deleted by hand) may end a lease; either path deprovisions first and both are safe to run
 * twice: deprovisioning a namespace that is gone does nothing, and {@link #leaseEnded} only forgets
 * the lease, leaving its PoolLease to the operator's finalizer.
 */
public final class ProviderNodeRuntime implements ProviderRuntime, AutoCloseable {
    private final NodeSettings settings;
    private final Geohash location;
    private final Provisioner provisioner;
    private final Function<MpcListener, SessionRunner> runners;
    private final IdentitySecret identity;
    private final Clock clock;
    private volatile ProviderNode node;

    /**
     * @param settings the node's data directory, listeners, DHT and session bounds
     * @param location where the cluster is: its DHT node ID starts with this cell's bits
     * @param provisioner provisions lease namespaces (the Kubernetes provisioner)
     * @param runners makes this provider's side of a placement from the node's MPC listener
     * @param identity where the node's TLS identity is kept across pods, or null to keep it in the
     *     data directory only
     * @param clock the time source
     */
    public ProviderNodeRuntime(NodeSettings settings, Geohash location, Provisioner provisioner,
                               Function<MpcListener, SessionRunner> runners, IdentitySecret identity, Clock clock) {
        this.settings = settings;
        this.location = location;
        this.provisioner = provisioner;
        this.runners = runners;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public synchronized void restore(LeaseStore leases, List<ContributionSpecs.Checked> offers) {
        if (node != null) {
            throw new IllegalStateException("the provider runtime is already running");
        }
        if (identity != null) {
            identity.restoreInto(settings.dataDir());
        }
        List<OfferConfig> configs = offers.stream().map(c -> new OfferConfig(c.offer(), c.precisions())).toList();
        node = ProviderNode.start(settings, location, configs, provisioner, leases, runners, clock);
    }

    /** The running node (after {@link #restore}). */
    public ProviderNode node() {
        ProviderNode n = node;
        if (n == null) {
            throw new IllegalStateException("the provider runtime has not been started (restore)");
        }
        return n;
    }

    @Override
    public void publish(Offer offer, List<Integer> precisions) {
        node().publish(new OfferConfig(offer, precisions));
    }

    @Override
    public void withdraw(String offerName) {
        node().withdraw(offerName);
    }

    @Override
    public long remaining(String offerName) {
        try {
            return node().ledger().balance(offerName).free();
        } catch (LedgerException e) {
            return 0; // not published (or withdrawn meanwhile)
        }
    }

    @Override
    public String announceProblem(String offerName) {
        return node().announceProblem(offerName);
    }

    @Override
    public Optional<Lease> lease(String leaseId) {
        return Optional.ofNullable(node().ledger().lease(leaseId));
    }

    @Override
    public void leaseEnded(Lease lease) {
        node().ledger().forget(lease.id());
    }

    /** Adds a check to the node's /healthz (and /livez when {@code live}). */
    public void healthCheck(String name, boolean live, BooleanSupplier healthy) {
        node().healthCheck(name, live, healthy);
    }

    public String fingerprint() {
        return node().fingerprint();
    }

    public InetSocketAddress controlAddress() {
        return node().controlAddress();
    }

    @Override
    public synchronized void close() {
        if (node != null) {
            node.close();
            node = null;
        }
    }
}
