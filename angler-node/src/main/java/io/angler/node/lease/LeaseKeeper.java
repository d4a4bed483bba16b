package io.angler.node.lease;

import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the life of a provider's leases on top of its {@link Ledger}: provisions on claim, and
 * deprovisions on release and at expiry before the units return to the offer. The order is always
 * "ledger durable first, cluster second" on the way in and "cluster first, ledger second" on the
 * way out, so a crash at any point leaves a lease that the next start converges (provisioning is
 * idempotent) rather than a namespace nobody accounts for.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final Ledger ledger;
    private final Provisioner provisioner;
    private ScheduledExecutorService scheduler;

    public LeaseKeeper(Ledger ledger, Provisioner provisioner) {
        this.ledger = ledger;
        this.provisioner = provisioner;
    }

    public Ledger ledger() {
        return ledger;
    }

    /** Starts the expiry sweep, every {@code period}. */
    public synchronized void start(Duration period) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "angler-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Claims a won allocation: a durable lease, then the namespace and credentials. If provisioning
     * fails the lease is ended at once, so its units are not held for nothing.
     */
    public Claimed claim(SessionKey key, Duration requested, CredentialRequest credentials) {
        Lease lease = ledger.claim(key, requested);
        try {
            Provisioned p = provisioner.provision(lease, credentials);
            return new Claimed(lease, p);
        } catch (RuntimeException e) {
            log.error("lease {}: provisioning failed ({}); ending the lease", lease.id(), e.getMessage());
            end(lease.id(), lease.requester());
            throw new LedgerException(LedgerException.Kind.CONFLICT, "provisioning failed: " + e.getMessage()
                    + "; the allocation was released");
        }
    }

    public Lease renew(String leaseId, String requester, Duration requested) {
        return ledger.renew(leaseId, requester, requested);
    }

    /** Ends a lease at the requester's wish: namespace deleted, then the units return. */
    public Lease release(String leaseId, String requester) {
        return end(leaseId, requester);
    }

    private Lease end(String leaseId, String requester) {
        Lease ended = ledger.end(leaseId, requester);
        cleanUp(ended);
        return ended;
    }

    /** Deprovisions expired leases and drops stale reservations; returns the leases cleaned up. */
    public int sweep() {
        int n = 0;
        for (Lease l : ledger.expired()) {
            if (cleanUp(l)) {
                n++;
            }
        }
        int dropped = ledger.dropStaleReservations();
        if (dropped > 0) {
            log.info("dropped {} reservations past their session deadline or claim window", dropped);
        }
        return n;
    }

    private boolean cleanUp(Lease l) {
        try {
            provisioner.deprovision(l);
        } catch (RuntimeException e) {
            // The lease stays (expired) in the ledger and the next sweep tries again.
            log.warn("lease {}: deprovisioning failed, will retry: {}", l.id(), e.getMessage());
            return false;
        }
        ledger.remove(l.id());
        log.info("lease {} ended; namespace {} removed", l.id(), l.namespace());
        return true;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.error("lease sweep failed: {}", e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** A claimed allocation: its lease and what was provisioned for it. */
    public record Claimed(Lease lease, Provisioned provisioned) {
    }
}
