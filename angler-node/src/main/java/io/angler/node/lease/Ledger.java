package io.angler.node.lease;

import io.angler.core.offer.LeaseLimits;
import io.angler.core.offer.Offer;
import io.angler.core.placement.PlacementWidths;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's accounting of its offers: per offer, units leased and units reserved for sessions.
 *
 * <p>The rule that keeps concurrent sessions from overselling: when a session starts, the provider
 * feeds in as capacity every unit that is neither leased nor reserved, and reserves all of them,
 * because the placement may award any number up to its capacity. Another session starting at the
 * same time therefore sees what is left (0 if nothing), never the same units twice. When the result
 * is known, a loser's reservation is released and a winner's shrinks to the units it won; the claim
 * converts it into a lease. Capacity is never revealed: a provider with nothing left still takes
 * part, with capacity 0.
 *
 * <p>Offers may be added, replaced and removed while the ledger runs (the Kubernetes operator
 * publishes them from PoolContributions). Leases and reservations are counted by offer name, so a
 * replaced offer keeps them: with a quantity below what is leased its free units are 0, never
 * negative, and leases of a removed offer run until they end. A session is settled and claimed on
 * the terms of the offer as it was when the session started (its unit and lease limits), whatever
 * happened to the offer since.
 *
 * <p>Durability: leases go to the {@link LeaseStore} before a claim is answered; won reservations
 * waiting for their claim go to {@code reservations.json}. Reservations of running sessions live
 * only in memory: a session dies with the process, so they must not outlive it. Every method is
 * synchronized: a session start is a few microseconds of arithmetic plus, for state that must
 * survive, one atomic file write.
 */
public final class Ledger {
    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    private final Map<String, Offer> offers = new LinkedHashMap<>();
    private final LeaseStore store;
    private final ReservationFile reservationFile;
    private final Clock clock;
    private final PlacementWidths widths;
    private final Map<String, Lease> leases = new LinkedHashMap<>();
    private final Map<SessionKey, Reservation> reservations = new LinkedHashMap<>();
    /** For each reservation, the offer as it was when its session started: what a claim grants. */
    private final Map<SessionKey, Offer> terms = new HashMap<>();

    private Ledger(Collection<Offer> offers, LeaseStore store, ReservationFile reservationFile, Clock clock,
                   PlacementWidths widths) {
        for (Offer o : offers) {
            this.offers.put(o.name(), o);
        }
        this.store = store;
        this.reservationFile = reservationFile;
        this.clock = clock;
        this.widths = widths;
    }

    /**
     * Opens the ledger: leases from the store, won reservations from {@code dataDir}. Reservations
     * whose claim window has passed, or whose lease already exists (a claim that completed just
     * before a crash), are dropped. Expired leases stay until {@link #expired()} hands them out
     * for deprovisioning.
     */
    public static Ledger open(Collection<Offer> offers, LeaseStore store, Path dataDir, Clock clock) {
        Ledger l = new Ledger(offers, store, new ReservationFile(dataDir), clock, PlacementWidths.DEFAULT);
        l.load();
        return l;
    }

    private void load() {
        for (Lease lease : store.all()) {
            leases.put(lease.id(), lease);
            if (!offers.containsKey(lease.offer())) {
                log.warn("lease {} belongs to offer '{}', which is no longer configured; it runs until it ends",
                        lease.id(), lease.offer());
            }
        }
        Instant now = clock.instant();
        int dropped = 0;
        for (Reservation r : reservationFile.load()) {
            if (!r.expiresAt().isAfter(now) || leases.containsKey(r.key().leaseId()) || !offers.containsKey(r.offer())) {
                dropped++;
            } else {
                reservations.put(r.key(), r);
                terms.put(r.key(), offers.get(r.offer()));
            }
        }
        if (dropped > 0) {
            saveWon();
        }
        log.info("ledger: {} leases, {} allocations waiting for a claim, {} stale reservations dropped",
                leases.size(), reservations.size(), dropped);
    }

    /**
     * Starts a session on an offer: computes the provider's inputs and reserves the capacity.
     *
     * @param deadline the session deadline; the reservation is dropped after it if never settled
     * @throws LedgerException CONFLICT if this session already exists, INVALID for an unknown offer
     */
    public synchronized SessionInput enter(SessionKey key, String offerName, Instant deadline) {
        Offer offer = offers.get(offerName);
        if (offer == null) {
            throw new LedgerException(LedgerException.Kind.INVALID, "no offer named '" + offerName + "'");
        }
        if (reservations.containsKey(key) || leases.containsKey(key.leaseId())) {
            throw new LedgerException(LedgerException.Kind.CONFLICT, "session " + key.sessionId() + " already exists");
        }
        long free = Math.max(0, offer.quantity() - leased(offerName) - reserved(offerName));
        long capacity = Math.min(free, widths.maxUnits());
        long price;
        try {
            price = offer.priceNow(free);
        } catch (IllegalArgumentException e) {
            price = -1;
        }
        if (price < 0 || price > widths.maxPrice()) {
            // Refusing the session would reveal something; taking part with nothing to give does not.
            log.error("offer {}: the price function has no valid value now; taking part with capacity 0"
                    + " (check the formula in the configuration)", offerName);
            capacity = 0;
            price = widths.maxPrice();
        }
        reservations.put(key, new Reservation(key, offerName, capacity, price, Reservation.State.IN_SESSION, deadline));
        terms.put(key, offer);
        // the configuration keeps the minimum within the unit width; clamp anyway, as capacity is
        return new SessionInput(capacity, price, Math.min(offer.leaseLimits().minUnits(), widths.maxUnits()));
    }

    /**
     * Records the placement's result for this provider: a loss releases the reservation, a win
     * keeps the units won (at the agreed price) until {@code claimDeadline}.
     *
     * @throws LedgerException NOT_FOUND if the session is unknown (aborted or timed out),
     *     CONFLICT if the result awards more units than the provider put in (a broken engine: the
     *     reservation is released and nothing is awarded)
     */
    public synchronized void settle(SessionKey key, long unitsWon, long price, Instant claimDeadline) {
        Reservation r = reservations.get(key);
        if (r == null || r.state() != Reservation.State.IN_SESSION) {
            throw new LedgerException(LedgerException.Kind.NOT_FOUND, "no running session " + key.sessionId());
        }
        notifyAll(); // claims waiting in awaitSettled
        if (unitsWon == 0) {
            drop(key);
            return;
        }
        if (unitsWon < 0 || unitsWon > r.units() || price < 0) {
            drop(key);
            throw new LedgerException(LedgerException.Kind.CONFLICT, "session " + key.sessionId()
                    + ": the result does not match this provider's input; nothing is awarded");
        }
        reservations.put(key, new Reservation(key, r.offer(), unitsWon, price, Reservation.State.WON, claimDeadline));
        saveWon();
    }

    /**
     * Waits until the session's placement has settled (won, lost or aborted), at most
     * {@code timeout}: a requester learns its result at about the moment the winner does, so its
     * claim may arrive while the winner is still recording the result.
     */
    public synchronized void awaitSettled(SessionKey key, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Reservation r = reservations.get(key);
            if (r == null || r.state() != Reservation.State.IN_SESSION) {
                return;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Ends a session without a result (timeout, disconnect, failed check); releases what it held. */
    public synchronized void abort(SessionKey key) {
        Reservation r = drop(key);
        notifyAll();
        if (r != null && r.state() == Reservation.State.WON) {
            saveWon();
        }
    }

    /**
     * Converts a won allocation into a lease, durable before this returns. A repeated claim of the
     * same session returns the lease made by the first one, so claims can be retried safely.
     *
     * @param requested lease length asked for, clamped into the offer's limits
     * @throws LedgerException NOT_FOUND when there is nothing to claim for this requester,
     *     CONFLICT when the session has not finished
     */
    public synchronized Lease claim(SessionKey key, Duration requested) {
        Lease existing = leases.get(key.leaseId());
        if (existing != null && existing.requester().equals(key.requester())) {
            return existing;
        }
        Reservation r = reservations.get(key);
        Instant now = clock.instant();
        if (r == null || !r.expiresAt().isAfter(now)) {
            throw new LedgerException(LedgerException.Kind.NOT_FOUND, "nothing to claim for session "
                    + key.sessionId() + " (not won, already ended, or the claim window has passed)");
        }
        if (r.state() != Reservation.State.WON) {
            throw new LedgerException(LedgerException.Kind.CONFLICT, "session " + key.sessionId()
                    + " has not finished its placement");
        }
        Offer offer = terms.get(key);
        Duration length = offer.leaseLimits().clamp(requested);
        Lease lease = new Lease(key.leaseId(), r.offer(), key.requester(), offer.unit(), r.units(), r.price(),
                key.namespace(), now, now.plus(length));
        store.put(lease); // durable first: a crash after this finds the lease and drops the reservation
        leases.put(lease.id(), lease);
        drop(key);
        saveWon();
        return lease;
    }

    /**
     * Extends a lease to {@code requested} from now, clamped into the offer's limits; never shortens it.
     *
     * @throws LedgerException NOT_FOUND if this requester holds no such live lease
     */
    public synchronized Lease renew(String leaseId, String requester, Duration requested) {
        return extend(leaseId, requester, requested).renewed();
    }

    /**
     * As {@link #renew}, and the lease as it was just before, read in the same step (what
     * {@link #undoRenewal} puts back).
     */
    public synchronized Renewal extend(String leaseId, String requester, Duration requested) {
        Lease lease = live(leaseId, requester);
        Instant now = clock.instant();
        Instant wanted = now.plus(limits(lease.offer()).clamp(requested));
        if (!wanted.isAfter(lease.expiresAt())) {
            return new Renewal(lease, lease);
        }
        Lease renewed = lease.withExpiry(wanted);
        store.put(renewed);
        leases.put(leaseId, renewed);
        return new Renewal(lease, renewed);
    }

    /** A renewal: the lease before it and after it (the same lease when it was not extended). */
    public record Renewal(Lease previous, Lease renewed) {
    }

    /**
     * Undoes a renewal whose credentials could not be issued: puts {@code previous} back (durably)
     * if the lease is still exactly {@code renewed}. A lease changed since (renewed again, released,
     * ended) is left as it is, so an undo never shortens another renewal or revives an ended lease.
     *
     * @return true if the previous expiry was put back
     */
    public synchronized boolean undoRenewal(Lease previous, Lease renewed) {
        if (previous.equals(renewed) || !renewed.equals(leases.get(renewed.id()))) {
            return false;
        }
        store.put(previous);
        leases.put(previous.id(), previous);
        return true;
    }

    /** Whether this requester holds the lease and it has not ended. */
    public synchronized boolean isLive(String leaseId, String requester) {
        Lease lease = leases.get(leaseId);
        return lease != null && lease.requester().equals(requester) && !lease.expiredAt(clock.instant());
    }

    /**
     * Ends a lease now, at the requester's wish: it is stored as expired (so a crash before it is
     * cleaned up still ends it), and returned for deprovisioning, after which {@link #remove} returns
     * its units.
     *
     * @throws LedgerException NOT_FOUND if this requester holds no such live lease
     */
    public synchronized Lease end(String leaseId, String requester) {
        Lease lease = live(leaseId, requester);
        Instant now = clock.instant();
        Instant end = now.isAfter(lease.createdAt()) ? now : lease.createdAt().plusMillis(1);
        Lease ended = lease.withExpiry(end);
        store.put(ended);
        leases.put(leaseId, ended);
        return ended;
    }

    private Lease live(String leaseId, String requester) {
        Lease lease = leases.get(leaseId);
        if (lease == null || !lease.requester().equals(requester) || lease.expiredAt(clock.instant())) {
            throw new LedgerException(LedgerException.Kind.NOT_FOUND, "no live lease " + leaseId + " for this requester");
        }
        return lease;
    }

    /** Leases past their expiry, to be deprovisioned and then {@link #remove removed}. */
    public synchronized List<Lease> expired() {
        Instant now = clock.instant();
        List<Lease> out = new ArrayList<>();
        for (Lease l : leases.values()) {
            if (l.expiredAt(now)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Forgets a lease whose namespace is gone; its units return to the offer. */
    public synchronized void remove(String leaseId) {
        store.remove(leaseId);
        leases.remove(leaseId);
    }

    /**
     * Forgets a lease whose namespace is gone and whose stored record someone else is removing (the
     * operator deletes a PoolLease through its finalizer); its units return to the offer. The store
     * is not touched. Forgetting an absent lease does nothing.
     */
    public synchronized void forget(String leaseId) {
        leases.remove(leaseId);
    }

    /**
     * Adds an offer, or replaces the offer of that name (a new quantity, price function, unit,
     * location or limits). Its leases and reservations stay counted against it: a quantity below
     * what is held leaves 0 free units until enough of them end.
     */
    public synchronized void putOffer(Offer offer) {
        if (offer == null) {
            throw new IllegalArgumentException("ledger: an offer is required");
        }
        offers.put(offer.name(), offer);
    }

    /**
     * Removes an offer: no new session can enter it. Its leases run until they end, and sessions
     * already running on it are settled and claimed on the terms they started with.
     */
    public synchronized void removeOffer(String offerName) {
        offers.remove(offerName);
    }

    /** The offer of that name as it is now, if there is one. */
    public synchronized Optional<Offer> offer(String offerName) {
        return Optional.ofNullable(offers.get(offerName));
    }

    /** Drops reservations past their deadline or claim window; returns how many. */
    public synchronized int dropStaleReservations() {
        Instant now = clock.instant();
        boolean wonChanged = false;
        int n = 0;
        for (var it = reservations.values().iterator(); it.hasNext(); ) {
            Reservation r = it.next();
            if (!r.expiresAt().isAfter(now)) {
                it.remove();
                terms.remove(r.key());
                n++;
                wonChanged |= r.state() == Reservation.State.WON;
            }
        }
        if (wonChanged) {
            saveWon();
        }
        return n;
    }

    /** The offer's accounting right now (secret: for the provider's own tools, never a metric label). */
    public synchronized Balance balance(String offerName) {
        Offer offer = offers.get(offerName);
        if (offer == null) {
            throw new LedgerException(LedgerException.Kind.INVALID, "no offer named '" + offerName + "'");
        }
        long leased = leased(offerName);
        long reserved = reserved(offerName);
        return new Balance(offer.quantity(), leased, reserved, Math.max(0, offer.quantity() - leased - reserved));
    }

    public synchronized List<Lease> leases() {
        return new ArrayList<>(leases.values());
    }

    public synchronized List<Reservation> reservations() {
        return new ArrayList<>(reservations.values());
    }

    public synchronized Lease lease(String leaseId) {
        return leases.get(leaseId);
    }

    private Reservation drop(SessionKey key) {
        terms.remove(key);
        return reservations.remove(key);
    }

    private LeaseLimits limits(String offerName) {
        Offer o = offers.get(offerName);
        return o == null ? LeaseLimits.DEFAULT : o.leaseLimits();
    }

    private long leased(String offerName) {
        long n = 0;
        for (Lease l : leases.values()) {
            if (l.offer().equals(offerName)) {
                n += l.units();
            }
        }
        return n;
    }

    private long reserved(String offerName) {
        long n = 0;
        for (Reservation r : reservations.values()) {
            if (r.offer().equals(offerName)) {
                n += r.units();
            }
        }
        return n;
    }

    private void saveWon() {
        Map<SessionKey, Reservation> won = new HashMap<>();
        for (Reservation r : reservations.values()) {
            if (r.state() == Reservation.State.WON) {
                won.put(r.key(), r);
            }
        }
        reservationFile.save(won.values());
    }

    /**
     * One offer's accounting.
     *
     * @param quantity units contributed
     * @param leased units in leases (including ended leases not yet cleaned up)
     * @param reserved units held for running sessions and unclaimed wins
     * @param free units a new session would be offered
     */
    public record Balance(long quantity, long leased, long reserved, long free) {
    }
}
