package io.angler.k8s.operator;

import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.lease.PoolLeases;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.lease.Lease;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps PoolLeases: schedules a reconcile at each lease's expiry and then deletes the PoolLease;
 * deletion (by expiry or by hand, which is how a provider ends a lease early) deprovisions the
 * namespace and returns the units to the ledger before the finalizer lets the object go.
 *
 * <p>Each reconcile of a live lease the ledger holds also puts back the lease's namespace objects
 * that went missing (one GET per object; nothing is written when all are there). Leases younger
 * than the provisioning grace are left alone: their claim may still be provisioning them.
 */
public final class PoolLeaseReconciler implements Reconciler<PoolLease>, Cleaner<PoolLease> {
    public static final String VALID = "Valid";
    public static final String PROVISIONED = "Provisioned";
    /** How soon a lease whose objects could not be checked or restored is looked at again. */
    static final Duration RETRY_RESTORE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(PoolLeaseReconciler.class);

    private final KubernetesProvisioner provisioner;
    private final ProviderRuntime node;
    private final Clock clock;
    private final Duration provisioningGrace;

    public PoolLeaseReconciler(KubernetesProvisioner provisioner, ProviderRuntime node, Clock clock,
                               Duration provisioningGrace) {
        this.provisioner = provisioner;
        this.node = node;
        this.clock = clock;
        this.provisioningGrace = provisioningGrace;
    }

    @Override
    public UpdateControl<PoolLease> reconcile(PoolLease pl, Context<PoolLease> context) {
        long generation = pl.getMetadata().getGeneration() == null ? 0 : pl.getMetadata().getGeneration();
        List<Condition> conditions = pl.getStatus() == null ? null : pl.getStatus().conditions();
        Instant now = clock.instant();
        Lease lease;
        try {
            lease = PoolLeases.fromResource(pl);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}", e.getMessage());
            pl.setStatus(new PoolLease.Status(generation, "Invalid",
                    Conditions.set(conditions, VALID, false, "InvalidSpec", e.getMessage(), generation, now)));
            return UpdateControl.patchStatus(pl);
        }
        if (lease.expiredAt(now)) {
            LOG.info("lease {}: expired at {}, removing it", lease.id(), lease.expiresAt());
            context.getClient().resource(pl).delete(); // the cleanup below deprovisions it
            return UpdateControl.noUpdate();
        }
        conditions = Conditions.set(conditions, VALID, true, "Active", "expires at " + lease.expiresAt(), generation, now);
        // Wake up at the expiry (a little after, so the clock has certainly passed it).
        Duration next = Duration.between(now, lease.expiresAt()).plusMillis(200);
        Instant graceEnds = lease.createdAt().plus(provisioningGrace);
        if (now.isBefore(graceEnds)) {
            next = min(next, Duration.between(now, graceEnds).plusMillis(200)); // check its objects then
        } else {
            Optional<Lease> held = live(lease.id(), now);
            if (held.isPresent()) {
                try {
                    List<String> made = provisioner.restoreMissing(held.get());
                    if (!made.isEmpty() && live(lease.id(), clock.instant()).isEmpty()) {
                        // It ended while its objects were put back: the keeper's deprovisioning may
                        // have run before them, so remove them again.
                        provisioner.deprovision(held.get());
                    }
                    conditions = Conditions.set(conditions, PROVISIONED, true, made.isEmpty() ? "Present" : "Restored",
                            made.isEmpty() ? "every object of the namespace is present" : "recreated " + made,
                            generation, now);
                } catch (RuntimeException e) {
                    LOG.warn("lease {}: cannot check or restore the objects of namespace {}: {}", lease.id(),
                            lease.namespace(), e.getMessage());
                    conditions = Conditions.set(conditions, PROVISIONED, false, "RestoreFailed",
                            String.valueOf(e.getMessage()), generation, now);
                    next = min(next, RETRY_RESTORE);
                }
            }
        }
        pl.setStatus(new PoolLease.Status(generation, "Active", conditions));
        return UpdateControl.patchStatus(pl).rescheduleAfter(next);
    }

    /** The ledger's lease if it holds it and it has not ended: only such a lease is restored. */
    private Optional<Lease> live(String leaseId, Instant now) {
        return node.lease(leaseId).filter(l -> !l.expiredAt(now));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
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
