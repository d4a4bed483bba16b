package io.angler.mpc.ot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Pairwise OT state kept between sessions: nodes (by identity) meet in sessions with changing party
 * orders; the correlation K ⊕ b·Δ must hold for every bit in every session, cached pairs must be
 * reused, no key may ever repeat (the streams only move forward), and any mismatch must fall back
 * to fresh base OTs.
 */
class CotCacheTest {
    private static final int COUNT = 300;

    /** A node: its identity and its cache. */
    private record Node(String id, CotCache cache) {
    }

    /** One party's outcome of one session. */
    private record Seen(long[] delta, long[] bits, PairwiseCot.Extension ext, int reused) {
    }

    private static List<Node> nodes(int n) {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Node("node-" + i, new CotCache()));
        }
        return out;
    }

    /** One session among {@code party} (in that order), each node using its cache when {@code useCache}. */
    private static List<Seen> session(List<Node> party, boolean useCache) throws Exception {
        List<Network> nets = InMemoryNetwork.create(party.stream().map(Node::id).toList(), Duration.ofSeconds(60));
        try {
            List<CompletableFuture<Seen>> fs = new ArrayList<>();
            for (int i = 0; i < party.size(); i++) {
                Network net = nets.get(i);
                CotCache cache = party.get(i).cache();
                fs.add(CompletableFuture.supplyAsync(() -> {
                    Prg prg = Prg.secure();
                    CotCache.Lease lease = useCache ? cache.tryAcquire() : null;
                    long[] delta = lease != null ? new long[] {lease.deltaLo(), lease.deltaHi()}
                            : new long[] {prg.nextLong() | 1, prg.nextLong()};
                    try {
                        PairwiseCot cot = lease != null ? PairwiseCot.setup(net, lease, prg)
                                : PairwiseCot.setup(net, delta[0], delta[1], prg);
                        long[] bits = prg.nextBits(COUNT);
                        PairwiseCot.Extension e = cot.extend(COUNT, bits);
                        if (lease != null) {
                            lease.commit();
                        }
                        return new Seen(delta, bits, e, cot.reusedPairs());
                    } catch (RuntimeException ex) {
                        if (lease != null) {
                            lease.abort();
                        }
                        throw ex;
                    }
                }));
            }
            List<Seen> out = new ArrayList<>();
            for (CompletableFuture<Seen> f : fs) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            assertCorrelated(out);
            return out;
        } finally {
            nets.forEach(Network::close);
        }
    }

    private static void assertCorrelated(List<Seen> seen) {
        for (int i = 0; i < seen.size(); i++) {
            for (int j = 0; j < seen.size(); j++) {
                if (i == j) {
                    continue;
                }
                long[] macs = seen.get(i).ext().macs()[j];
                long[] keys = seen.get(j).ext().keys()[i];
                long[] dj = seen.get(j).delta();
                for (int k = 0; k < COUNT; k++) {
                    long b = Blocks.bit(seen.get(i).bits(), k) ? -1L : 0L;
                    if (macs[2 * k] != (keys[2 * k] ^ (dj[0] & b)) || macs[2 * k + 1] != (keys[2 * k + 1] ^ (dj[1] & b))) {
                        throw new AssertionError("party " + i + "'s bit " + k + " is not authenticated to party " + j);
                    }
                }
            }
        }
    }

    /** Adds every key block of {@code s} to {@code seen}; false if one was there already. */
    private static boolean allNew(Set<String> seen, Seen s) {
        boolean fresh = true;
        for (long[] keys : s.ext().keys()) {
            if (keys == null) {
                continue;
            }
            for (int k = 0; k < keys.length; k += 2) {
                fresh &= seen.add(keys[k] + ":" + keys[k + 1]);
            }
        }
        return fresh;
    }

    @Test
    void nodesThatMeetAgainReuseTheirPairsInAnyOrderAndNoKeyEverRepeats() throws Exception {
        List<Node> n = nodes(5);
        Set<String> keys = new HashSet<>();
        List<Seen> first = session(List.of(n.get(0), n.get(1), n.get(2), n.get(3)), true);
        assertThat(first).allSatisfy(s -> assertThat(s.reused()).isZero());
        first.forEach(s -> assertThat(allNew(keys, s)).isTrue());

        // The same nodes in another order: every pair continues.
        List<Seen> second = session(List.of(n.get(2), n.get(0), n.get(3), n.get(1)), true);
        assertThat(second).allSatisfy(s -> assertThat(s.reused()).isEqualTo(3));
        assertThat(second.get(1).delta()).as("node 0 keeps its Δ").isEqualTo(first.get(0).delta());
        second.forEach(s -> assertThat(allNew(keys, s)).as("keys of a later session never repeat").isTrue());

        // Three of them and a newcomer: the old pairs continue, the newcomer's are fresh, under the same Δ.
        List<Seen> third = session(List.of(n.get(4), n.get(1), n.get(3), n.get(0)), true);
        assertThat(third.get(0).reused()).isZero();
        assertThat(third.subList(1, 4)).allSatisfy(s -> assertThat(s.reused()).isEqualTo(2));
        assertThat(third.get(3).delta()).isEqualTo(first.get(0).delta());
        third.forEach(s -> assertThat(allNew(keys, s)).isTrue());

        List<Seen> fourth = session(List.of(n.get(4), n.get(0)), true);
        assertThat(fourth).allSatisfy(s -> assertThat(s.reused()).isEqualTo(1));
        fourth.forEach(s -> assertThat(allNew(keys, s)).isTrue());
        assertThat(n.get(0).cache().stats().pairsReused()).isEqualTo(3 + 2 + 1);
        assertThat(n.get(0).cache().stats().rotations()).isZero();
    }

    @Test
    void aMismatchFallsBackToFreshBaseOtsAndTheNextSessionReusesAgain() throws Exception {
        List<Node> n = nodes(3);
        session(n, true);
        // Node 1 lost its state (an abort rotated it): its pairs start over; the pair (0, 2) continues.
        n.get(1).cache().rotate();
        List<Seen> after = session(n, true);
        assertThat(after.get(0).reused()).isEqualTo(1);
        assertThat(after.get(1).reused()).isZero();
        assertThat(after.get(2).reused()).isEqualTo(1);
        assertThat(session(n, true)).allSatisfy(s -> assertThat(s.reused()).isEqualTo(2));

        // Node 2 runs without its cache this time (e.g. it is busy with another session): nothing is
        // reused with it, and the others keep what they had with it for next time.
        List<Seen> without = session(n, false);
        assertThat(without).allSatisfy(s -> assertThat(s.reused()).isZero());
        assertThat(session(n, true)).allSatisfy(s -> assertThat(s.reused()).isEqualTo(2));
    }

    @Test
    void aSecondSessionWhileTheCacheIsHeldRunsFreshAndAnAbortRotates() {
        CotCache cache = new CotCache();
        CotCache.Lease first = cache.tryAcquire();
        assertThat(cache.tryAcquire()).as("one session at a time").isNull();
        long lo = first.deltaLo();
        assertThat(lo & 1).as("lsb(Δ) = 1").isEqualTo(1);
        first.abort();
        assertThat(cache.stats().rotations()).isEqualTo(1);
        CotCache.Lease next = cache.tryAcquire();
        assertThat(next).isNotNull();
        assertThat(next.deltaLo() == lo && next.deltaHi() == first.deltaHi()).as("a new Δ").isFalse();
        next.commit();
        next.abort(); // ending twice changes nothing
        assertThat(cache.stats().rotations()).isEqualTo(1);
        assertThat(cache.stats().busy()).isEqualTo(1);
    }

    @Test
    void theAgeAndLengthLimitsStartOver() throws Exception {
        AtomicLong now = new AtomicLong();
        CotCache aged = new CotCache(new CotCache.Limits(8, Duration.ofMinutes(1), 1 << 16), now::get);
        CotCache.Lease l = aged.tryAcquire();
        long lo = l.deltaLo();
        l.commit();
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        CotCache.Lease later = aged.tryAcquire();
        assertThat(later.deltaLo() == lo).as("Δ too old: rotated").isFalse();
        later.commit();
        assertThat(aged.stats().rotations()).isEqualTo(1);

        // 2^16 OTs per direction at most: 300 + 256 padding per session, rounded to 128, is 640 rows,
        // so the 103rd session of a pair starts over.
        List<Node> n = List.of(new Node("a", new CotCache(new CotCache.Limits(8, Duration.ofHours(1), 1 << 16))),
                new Node("b", new CotCache(new CotCache.Limits(8, Duration.ofHours(1), 1 << 16))));
        int fresh = 0;
        for (int i = 0; i < 104; i++) {
            if (session(n, true).get(0).reused() == 0) {
                fresh++;
            }
        }
        assertThat(fresh).isEqualTo(2);
        assertThatThrownBy(() -> new CotCache.Limits(0, Duration.ofHours(1), 1 << 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLeastRecentlyUsedPairsGoFirst() throws Exception {
        CotCache small = new CotCache(new CotCache.Limits(2, Duration.ofHours(1), 1L << 30));
        Node hub = new Node("hub", small);
        List<Node> others = nodes(3);
        for (Node o : others) {
            session(List.of(hub, o), true);
        }
        assertThat(small.stats().pairs()).isEqualTo(2);
        assertThat(session(List.of(hub, others.get(0)), true).get(0).reused()).as("evicted").isZero();
        assertThat(session(List.of(hub, others.get(2)), true).get(0).reused()).isEqualTo(1);
    }
}
