package io.angler.k8s.operator;

import io.angler.k8s.lease.PoolLeaseStore;
import io.angler.node.provision.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's operator: rebuilds the node's ledger from the PoolLeases, then runs the
 * PoolContribution and PoolLease controllers on the Java Operator SDK.
 *
 * <p>Patches are plain JSON patches, not server-side apply: the operator then behaves the same on
 * every API server, including the test mock, which has no server-side apply.
 */
public final class AnglerOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnglerOperator.class);

    private final KubernetesClient client;
    private final ProviderRuntime node;
    private final Provisioner provisioner;
    private final PoolLeaseStore leases;
    private final Clock clock;
    private Operator operator;

    /**
     * @param leaseNamespace where PoolLeases live (the operator's own namespace)
     */
    public AnglerOperator(KubernetesClient client, ProviderRuntime node, Provisioner provisioner, String leaseNamespace,
                          Clock clock) {
        this.client = client;
        this.node = node;
        this.provisioner = provisioner;
        this.leases = new PoolLeaseStore(client, leaseNamespace);
        this.clock = clock;
    }

    /** The lease store the provider runtime writes its leases to. */
    public PoolLeaseStore leaseStore() {
        return leases;
    }

    /** Restores the ledger, then starts both controllers; returns once their caches are in sync. */
    public synchronized void start() {
        if (operator != null) {
            throw new IllegalStateException("the operator is already running");
        }
        var restored = leases.all();
        node.restore(restored);
        LOG.info("ledger restored from {} PoolLease(s) in namespace {}", restored.size(), leases.namespace());
        Operator op = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false)
                .withConcurrentReconciliationThreads(2));
        op.register(new PoolContributionReconciler(node, leases.namespace(), clock),
                c -> c.withName("poolcontributions").withFinalizer("angler.io/withdraw"));
        op.register(new PoolLeaseReconciler(provisioner, node, clock),
                c -> c.withName("poolleases").withFinalizer(PoolLeaseStore.FINALIZER)
                        .settingNamespace(leases.namespace()));
        op.start();
        operator = op;
    }

    @Override
    public synchronized void close() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }
}
