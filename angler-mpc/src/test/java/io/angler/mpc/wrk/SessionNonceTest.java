package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.ot.CotCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sessions between nodes that keep their OT state use each node's long-lived Δ again and again,
 * so no hash under a Δ may see the same tweak twice (docs/mpc.md, "Everything else is fresh per
 * session"): every tweak of the half-AND hashes and of the garbled-row pads must take in the
 * session's 128-bit nonce. The oracle is the tweaks themselves, as each party used them.
 */
class SessionNonceTest {
    private static final int N = 3;
    private static final int SESSIONS = 3;
    private static final Circuit CIRCUIT = StandardCircuits.adder(4);
    /** The nodes' identities, the same in every session: what a cached pair is kept under. */
    private static final List<String> IDS = List.of("n0", "n1", "n2");

    /** The tweaks one party used in one session, each a 128-bit value (lo, hi). */
    private static final class Tweaks implements TweakObserver {
        final List<long[]> all = new ArrayList<>();
        int halfAnds;
        int rows;

        @Override
        public void halfAnd(long lo, long hi, int count) {
            halfAnds++;
            for (int k = 0; k < count; k++) {
                all.add(new long[] {lo + k, hi});
            }
        }

        @Override
        public void garbledRow(long lo, long hi, int count) {
            rows++;
            for (int t = 0; t < count; t++) {
                all.add(new long[] {lo ^ t, hi});
            }
        }

        Set<Long> half(int i) {
            Set<Long> s = new HashSet<>();
            all.forEach(t -> s.add(t[i]));
            return s;
        }
    }

    private static List<Long> delta(CotCache c) {
        CotCache.Lease l = c.tryAcquire();
        List<Long> d = List.of(l.deltaLo(), l.deltaHi());
        l.commit();
        return d;
    }

    @Test
    void noTweakUnderAReusedDeltaRepeatsAcrossSessions() {
        CotCache[] caches = new CotCache[N];
        for (int p = 0; p < N; p++) {
            caches[p] = new CotCache();
        }
        Tweaks[][] seen = new Tweaks[SESSIONS][N];
        List<List<Long>> deltas = new ArrayList<>();
        for (int r = 0; r < SESSIONS; r++) {
            for (int p = 0; p < N; p++) {
                seen[r][p] = new Tweaks();
            }
            boolean[][] in = RandomCircuits.randomInputs(CIRCUIT, new Random(r));
            Parties.Outcome o = Parties.run(InMemoryNetwork.create(IDS, Duration.ofSeconds(60)), CIRCUIT,
                    OutputPlan.everyone(CIRCUIT, N), in, Parties.realOt(), -1, Deviation.NONE, caches, seen[r]);
            assertThat(o.allSucceeded()).isTrue();
            for (WrkResult res : o.results()) {
                assertThat(res.values()).isEqualTo(CIRCUIT.evaluate(in));
                assertThat(res.reusedOtPairs()).isEqualTo(r == 0 ? 0 : N - 1);
            }
            List<Long> ds = new ArrayList<>();
            for (CotCache c : caches) {
                ds.addAll(delta(c));
            }
            deltas.add(ds);
        }
        assertThat(deltas).as("every node kept its Δ through all sessions").containsOnly(deltas.get(0));

        for (int p = 0; p < N; p++) {
            Set<List<Long>> union = new HashSet<>();
            int total = 0;
            for (int r = 0; r < SESSIONS; r++) {
                Tweaks t = seen[r][p];
                assertThat(t.halfAnds).as("party %d hashes a half-AND towards every peer", p).isEqualTo(N - 1);
                assertThat(t.rows).as("party %d garbles 4 rows per AND gate", p)
                        .isEqualTo(p == 0 ? 0 : 4 * CIRCUIT.andGates());
                t.all.forEach(w -> union.add(List.of(w[0], w[1])));
                total += t.all.size();
            }
            assertThat(union).as("party %d never used a tweak twice under its Δ", p).hasSize(total);
            // The whole 128-bit nonce goes in: neither half of any tweak comes back in another session.
            for (int a = 0; a < SESSIONS; a++) {
                for (int b = a + 1; b < SESSIONS; b++) {
                    for (int i = 0; i < 2; i++) {
                        assertThat(seen[a][p].half(i)).as("party %d, sessions %d and %d, tweak half %d", p, a, b, i)
                                .doesNotContainAnyElementsOf(seen[b][p].half(i));
                    }
                }
            }
        }
    }
}
