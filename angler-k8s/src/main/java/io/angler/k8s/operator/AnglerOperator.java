package io.angler.k8s.operator;

import io.angler.core.pool.PoolKey;
import io.angler.k8s.crd.ContributionSpecs;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.lease.PoolLeaseStore;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's operator: starts the provider runtime on the PoolLeases (the ledger is rebuilt
 * from them) with the PoolContributions that are valid now, then runs the PoolContribution and
 * PoolLease controllers on the Java Operator SDK.
 *
 * <p>Patches are plain JSON patches, not server-side apply: the operator then behaves the same on
 * every API server, including the test mock, which has no server-side apply.
 */
public final class AnglerOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnglerOperator.class);

    /** How long after a claim a lease's objects are left to the claim's own provisioning. */
    public static final Duration PROVISIONING_GRACE = Duration.ofMinutes(2);

    private final KubernetesClient client;
    private final ProviderRuntime node;
    private final KubernetesProvisioner provisioner;
    private final PoolLeaseStore leases;
    private final Clock clock;
    private final Duration provisioningGrace;
    private Operator operator;

    /**
     * @param leaseNamespace where PoolLeases live (the operator's own namespace)
     */
    public AnglerOperator(KubernetesClient client, ProviderRuntime node, KubernetesProvisioner provisioner,
                          String leaseNamespace, Clock clock) {
        this(client, node, provisioner, leaseNamespace, clock, PROVISIONING_GRACE);
    }

    /**
     * @param provisioningGrace how long after its claim a lease is left to the claim's provisioning
     *     before a reconcile puts back objects missing from its namespace
     */
    public AnglerOperator(KubernetesClient client, ProviderRuntime node, KubernetesProvisioner provisioner,
                          String leaseNamespace, Clock clock, Duration provisioningGrace) {
        this.client = client;
        this.node = node;
        this.provisioner = provisioner;
        this.leases = new PoolLeaseStore(client, leaseNamespace);
        this.clock = clock;
        this.provisioningGrace = provisioningGrace;
    }

    /** The lease store the provider runtime writes its leases to. */
    public PoolLeaseStore leaseStore() {
        return leases;
    }

    /**
     * Starts the provider runtime on the lease store, then both controllers; returns once their
     * caches are in sync.
     */
    public synchronized void start() {
        if (operator != null) {
            throw new IllegalStateException("the operator is already running");
        }
        List<ContributionSpecs.Checked> offers = validContributions();
        node.restore(leases, offers);
        LOG.info("provider runtime started on the PoolLeases of namespace {} with {} offer(s)", leases.namespace(),
                offers.size());
        Operator op = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false)
                .withConcurrentReconciliationThreads(2));
        op.register(new PoolContributionReconciler(node, leases.namespace(), clock),
                c -> c.withName("poolcontributions").withFinalizer("angler.io/withdraw"));
        op.register(new PoolLeaseReconciler(provisioner, node, clock, provisioningGrace),
                c -> c.withName("poolleases").withFinalizer(PoolLeaseStore.FINALIZER)
                        .settingNamespace(leases.namespace()));
        op.start();
        operator = op;
    }

    /** Whether the controllers run and every watch on the API server is healthy (a readiness check). */
    public synchronized boolean healthy() {
        return operator != null && operator.getRuntimeInfo().isStarted()
                && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    /**
     * The PoolContributions whose specs are valid and that are not being deleted, without pool key
     * collisions (of two that collide the first is kept; the reconciler reports the other): the
     * offers the runtime starts with, so that wins waiting for their claim survive a restart.
     */
    private List<ContributionSpecs.Checked> validContributions() {
        List<ContributionSpecs.Checked> out = new ArrayList<>();
        Set<PoolKey> taken = new HashSet<>();
        for (PoolContribution pc : client.resources(PoolContribution.class).list().getItems()) {
            if (pc.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            ContributionSpecs.Checked c;
            try {
                c = ContributionSpecs.check(pc);
            } catch (IllegalArgumentException e) {
                continue; // its reconcile reports it
            }
            List<PoolKey> keys = c.offer().poolKeys(c.precisions());
            if (keys.stream().noneMatch(taken::contains)) {
                taken.addAll(keys);
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }
}
