package io.angler.mpc.ot;

import io.angler.mpc.crypto.Prg;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A node's correlated-OT state kept between sessions, so that two nodes that meet again extend the
 * OTs they already have instead of redoing 128 public-key OTs per pair. In memory only.
 *
 * <p>What is kept: one long-lived global key Δ for this node (lowest bit set, as the evaluator
 * needs), and per peer node (by certificate fingerprint) a {@link PairState}, whose IKNP streams
 * keep moving forward. The IKNP sender's correlation is its base-OT choice bits, which are Δ, so Δ
 * lives as long as the state does, and WRK needs one Δ per party per session: a session that uses
 * the cache uses this Δ towards every peer, cached or new (new pairs choose their base OTs with it).
 * docs/mpc.md ("Reusing OT state across sessions") gives the security argument.
 *
 * <p>Rules:
 * <ul>
 *   <li>One session at a time holds the cache ({@link #tryAcquire}); a session that finds it held
 *       runs with a fresh Δ and fresh base OTs and caches nothing. So the outcome of every session
 *       that used Δ is known before the next one uses it.</li>
 *   <li>Any abort of a session that held the cache ({@link Lease#abort}) rotates: a new Δ, and
 *       every pair dropped. (A cheating OT receiver can test a guess about a bit of Δ at the price of
 *       an abort; rotating on every abort means a guess that was wrong is about a Δ that is never
 *       used again, so what it can learn stays what it can in a single session.)</li>
 *   <li>Bounded: at most {@link Limits#maxPeers} pairs (least recently used dropped first), Δ at
 *       most {@link Limits#maxAge} old (then rotated), each stream at most
 *       {@link Limits#maxRowsPerPeer} OTs per direction (then that pair starts over).</li>
 * </ul>
 * Thread-safe.
 */
public final class CotCache {
    /**
     * @param maxPeers pairs kept at most
     * @param maxAge how long one Δ is used at most
     * @param maxRowsPerPeer OTs per direction and pair at most, before that pair does fresh base OTs
     */
    public record Limits(int maxPeers, Duration maxAge, long maxRowsPerPeer) {
        public static final Limits DEFAULT = new Limits(1024, Duration.ofHours(12), 1L << 34);

        public Limits {
            if (maxPeers < 1 || maxPeers > 1 << 20) {
                throw new IllegalArgumentException("cot cache: maxPeers " + maxPeers + " is outside 1.." + (1 << 20));
            }
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("cot cache: maxAge must be positive, got " + maxAge);
            }
            if (maxRowsPerPeer < 1 << 16) {
                throw new IllegalArgumentException("cot cache: maxRowsPerPeer " + maxRowsPerPeer + " is below 65536");
            }
        }
    }

    /** What the cache did so far. */
    public record Stats(long sessions, long busy, long pairsReused, long pairsNew, long rotations, int pairs) {
    }

    private final Limits limits;
    private final LongSupplier clock;
    private final LinkedHashMap<String, PairState> pairs = new LinkedHashMap<>(16, 0.75f, true);
    private long deltaLo;
    private long deltaHi;
    private long since;
    private Lease holder;
    private long sessions;
    private long busy;
    private long pairsReused;
    private long pairsNew;
    private long rotations;

    public CotCache() {
        this(Limits.DEFAULT);
    }

    public CotCache(Limits limits) {
        this(limits, System::nanoTime);
    }

    /** With a clock in nanoseconds, for tests of the age limit. */
    CotCache(Limits limits, LongSupplier clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = clock;
        newDelta();
    }

    /**
     * The cache for one session, or null if another session holds it (that session then runs with a
     * fresh Δ and fresh base OTs). The caller must end the lease with {@link Lease#commit} or
     * {@link Lease#abort}.
     */
    public synchronized Lease tryAcquire() {
        if (holder != null) {
            busy++;
            return null;
        }
        if (clock.getAsLong() - since > limits.maxAge().toNanos()) {
            rotate();
        }
        sessions++;
        holder = new Lease(deltaLo, deltaHi);
        return holder;
    }

    /** Forgets Δ and every pair (the next session does fresh base OTs everywhere). */
    public synchronized void rotate() {
        pairs.clear();
        newDelta();
        rotations++;
    }

    public synchronized Stats stats() {
        return new Stats(sessions, busy, pairsReused, pairsNew, rotations, pairs.size());
    }

    private void newDelta() {
        Prg prg = Prg.secure();
        deltaLo = prg.nextLong() | 1; // lsb(Δ) = 1: the evaluator reads share bits from MACs
        deltaHi = prg.nextLong();
        since = clock.getAsLong();
    }

    private synchronized PairState take(Lease l, String peer) {
        if (l != holder) {
            return null;
        }
        PairState s = pairs.remove(peer);
        if (s == null || !s.sender.holds(deltaLo, deltaHi)) {
            return null;
        }
        long maxSlices = limits.maxRowsPerPeer() >>> 7;
        return s.senderPosition() < maxSlices && s.receiverPosition() < maxSlices ? s : null;
    }

    private synchronized void end(Lease l, boolean success) {
        if (l != holder) {
            return;
        }
        holder = null;
        if (!success) {
            rotate();
            return;
        }
        for (Map.Entry<String, PairState> e : l.kept.entrySet()) {
            if (e.getValue().sender.holds(deltaLo, deltaHi)) {
                pairs.put(e.getKey(), e.getValue());
            }
        }
        pairsReused += l.reused;
        pairsNew += l.made;
        Iterator<String> oldest = pairs.keySet().iterator();
        while (pairs.size() > limits.maxPeers()) {
            oldest.next();
            oldest.remove();
        }
    }

    /**
     * One session's hold on the cache: its Δ, the pairs it takes out and the pairs it will put back.
     * Used by the session's protocol thread only.
     */
    public final class Lease {
        private final long deltaLo;
        private final long deltaHi;
        private final Map<String, PairState> kept = new HashMap<>();
        private int reused;
        private int made;
        private boolean ended;

        private Lease(long deltaLo, long deltaHi) {
            this.deltaLo = deltaLo;
            this.deltaHi = deltaHi;
        }

        /** The node's long-lived Δ, low half. */
        public long deltaLo() {
            return deltaLo;
        }

        /** The node's long-lived Δ, high half. */
        public long deltaHi() {
            return deltaHi;
        }

        /** The cached state for {@code peer}, taken out of the cache (null if none, or used up). */
        PairState take(String peer) {
            return CotCache.this.take(this, peer);
        }

        /** The session reuses {@code state} with {@code peer}; it goes back into the cache on commit. */
        void reuse(String peer, PairState state) {
            kept.put(peer, state);
            reused++;
        }

        /** The session made {@code state} with {@code peer}; it goes into the cache on commit. */
        void add(String peer, PairState state) {
            kept.put(peer, state);
            made++;
        }

        /** The session did not use {@code state} (the peer is not caching this time): it stays cached. */
        void putBack(String peer, PairState state) {
            kept.put(peer, state);
        }

        /** Pairs this session reused from the cache. */
        public int reusedPairs() {
            return reused;
        }

        /** The session succeeded: the pairs it used or made go (back) into the cache. */
        public void commit() {
            if (!ended) {
                ended = true;
                end(this, true);
            }
        }

        /** The session aborted (for whatever reason): Δ is rotated and every pair dropped. */
        public void abort() {
            if (!ended) {
                ended = true;
                end(this, false);
            }
        }
    }
}
