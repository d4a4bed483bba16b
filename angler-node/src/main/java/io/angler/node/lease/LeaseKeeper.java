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

    /**
     * Renews a lease and issues credentials until its new expiry: the extension is durable first,
     * then the lease is provisioned again (which converges its objects, the expiry annotation
     * included) with the requester's credential request.
     *
     * <p>If provisioning fails the renewal is undone: the previous expiry is stored again (unless
     * the lease changed meanwhile), the requester's current credentials keep working until then, and
     * the error says to try again. Units are never touched, so nothing is counted twice. If the lease
     * ended while it was being provisioned (a release racing the renewal), what was just made is
     * removed again and the renewal fails as "not found".
     *
     * @throws LedgerException NOT_FOUND for no such live lease, CONFLICT if provisioning failed
     */
    public Claimed renew(String leaseId, String requester, Duration requested, CredentialRequest credentials) {
        Ledger.Renewal renewal = ledger.extend(leaseId, requester, requested);
        Lease previous = renewal.previous();
        Lease renewed = renewal.renewed();
        Provisioned p;
        try {
            p = provisioner.provision(renewed, credentials);
        } catch (RuntimeException e) {
            boolean undone = undo(previous, renewed);
            log.error("lease {}: renewal failed, new credentials could not be issued ({}); {}", leaseId,
                    e.getMessage(), undone ? "the renewal was undone" : "the lease was left as it is now");
            Lease now = ledger.lease(leaseId);
            throw new LedgerException(LedgerException.Kind.CONFLICT, "renewal failed: new credentials could not be"
                    + " issued (" + e.getMessage() + "); "
                    + (undone ? "the lease was not extended and still ends at " + previous.expiresAt()
                            + ", and your current credentials keep working until then"
                            : "the lease now ends at " + (now == null ? "(ended)" : now.expiresAt()))
                    + "; try the renewal again, or ask for the other kind of credential");
        }
        if (!ledger.isLive(leaseId, requester)) {
            // Released or expired while provisioning: the release may have removed the namespace
            // before provisioning recreated it, so remove it again.
            cleanUpQuietly(renewed);
            throw new LedgerException(LedgerException.Kind.NOT_FOUND, "lease " + leaseId
                    + " ended while it was being renewed");
        }
        return new Claimed(renewed, p);
    }

    private boolean undo(Lease previous, Lease renewed) {
        try {
            return ledger.undoRenewal(previous, renewed);
        } catch (RuntimeException e) {
            log.error("lease {}: cannot undo the renewal ({}); it stays extended", renewed.id(), e.getMessage());
            return false;
        }
    }

    private void cleanUpQuietly(Lease lease) {
        try {
            provisioner.deprovision(lease);
        } catch (RuntimeException e) {
            log.warn("lease {}: removing what a renewal recreated failed: {}", lease.id(), e.getMessage());
        }
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
