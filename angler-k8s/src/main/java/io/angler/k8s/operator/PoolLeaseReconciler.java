package io.angler.k8s.operator;

import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.lease.PoolLeases;
import io.angler.node.lease.Lease;
import io.angler.node.provision.Provisioner;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PoolLeases: schedules a reconcile at each lease's expiry and then deletes the PoolLease;
 * deletion (by expiry or by hand, which is how a provider ends a lease early) deprovisions the
 * namespace and returns the units to the ledger before the finalizer lets the object go.
 */
public final class PoolLeaseReconciler implements Reconciler<PoolLease>, Cleaner<PoolLease> {
    public static final String VALID = "Valid";
    private static final Logger LOG = LoggerFactory.getLogger(PoolLeaseReconciler.class);

    private final Provisioner provisioner;
    private final ProviderRuntime node;
    private final Clock clock;

    public PoolLeaseReconciler(Provisioner provisioner, ProviderRuntime node, Clock clock) {
        this.provisioner = provisioner;
        this.node = node;
        this.clock = clock;
    }

    @Override
    public UpdateControl<PoolLease> reconcile(PoolLease pl, Context<PoolLease> context) {
        long generation = pl.getMetadata().getGeneration() == null ? 0 : pl.getMetadata().getGeneration();
        var previous = pl.getStatus() == null ? null : pl.getStatus().conditions();
        Instant now = clock.instant();
        Lease lease;
        try {
            lease = PoolLeases.fromResource(pl);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}", e.getMessage());
            pl.setStatus(new PoolLease.Status(generation, "Invalid",
                    Conditions.set(previous, VALID, false, "InvalidSpec", e.getMessage(), generation, now)));
            return UpdateControl.patchStatus(pl);
        }
        if (lease.expiredAt(now)) {
            LOG.info("lease {}: expired at {}, removing it", lease.id(), lease.expiresAt());
            context.getClient().resource(pl).delete(); // the cleanup below deprovisions it
            return UpdateControl.noUpdate();
        }
        pl.setStatus(new PoolLease.Status(generation, "Active",
                Conditions.set(previous, VALID, true, "Active", "expires at " + lease.expiresAt(), generation, now)));
        // Wake up at the expiry (a little after, so the clock has certainly passed it).
        Duration untilExpiry = Duration.between(now, lease.expiresAt()).plusMillis(200);
        return UpdateControl.patchStatus(pl).rescheduleAfter(untilExpiry);
    }

    @Override
    public DeleteControl cleanup(PoolLease pl, Context<PoolLease> context) {
        Lease lease;
        try {
            lease = PoolLeases.fromResource(pl);
        } catch (IllegalArgumentException e) {
            // Without a readable spec there is no namespace we could safely delete.
            LOG.warn("{}; removing the resource without deprovisioning", e.getMessage());
            return DeleteControl.defaultDelete();
        }
        provisioner.deprovision(lease); // throws on failure: the SDK retries, the finalizer stays
        node.leaseEnded(lease);
        LOG.info("lease {}: ended, namespace {} deleted, its units returned to {}", lease.id(), lease.namespace(),
                lease.offer());
        return DeleteControl.defaultDelete();
    }
}
