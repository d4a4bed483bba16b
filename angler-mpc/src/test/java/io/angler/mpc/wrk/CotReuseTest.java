package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole sessions between the same nodes keeping their OT state: the outputs stay those of the
 * plaintext evaluation, later sessions skip the base OTs, and a party that cheats makes every
 * party's next session start over with fresh base OTs and a new Δ.
 */
class CotReuseTest {
    private static final int N = 4;
    private static final Circuit CIRCUIT = StandardCircuits.adder(4);
    private static final List<String> IDS = List.of("n0", "n1", "n2", "n3");

    private static Parties.Outcome session(CotCache[] caches, int deviator, Deviation deviation, long seed) {
        List<Network> nets = InMemoryNetwork.create(IDS, Duration.ofSeconds(60));
        boolean[][] in = RandomCircuits.randomInputs(CIRCUIT, new Random(seed));
        Parties.Outcome o = Parties.run(nets, CIRCUIT, OutputPlan.everyone(CIRCUIT, N), in, Parties.realOt(), deviator,
                deviation, caches);
        if (o.allSucceeded()) {
            boolean[] expected = CIRCUIT.evaluate(in);
            for (WrkResult r : o.results()) {
                assertThat(r.values()).isEqualTo(expected);
            }
        }
        return o;
    }

    private static long[] deltaOf(CotCache c) {
        CotCache.Lease l = c.tryAcquire();
        long[] d = {l.deltaLo(), l.deltaHi()};
        l.commit();
        return d;
    }

    @Test
    void laterSessionsReuseEveryPairAndACheatForcesFreshBaseOtsWithANewDelta() {
        CotCache[] caches = new CotCache[N];
        for (int p = 0; p < N; p++) {
            caches[p] = new CotCache();
        }
        Parties.Outcome first = session(caches, -1, Deviation.NONE, 1);
        assertThat(first.allSucceeded()).isTrue();
        assertThat(first.results()).allSatisfy(r -> assertThat(r.reusedOtPairs()).isZero());
        Parties.Outcome second = session(caches, -1, Deviation.NONE, 2);
        assertThat(second.allSucceeded()).isTrue();
        assertThat(second.results()).allSatisfy(r -> assertThat(r.reusedOtPairs()).isEqualTo(N - 1));
        long[][] before = new long[N][];
        for (int p = 0; p < N; p++) {
            before[p] = deltaOf(caches[p]);
        }

        // Party 2 cheats in a session that reuses the OT state: everybody aborts and rotates.
        Parties.Outcome cheated = session(caches, 2, new Deviation(Deviation.Kind.ABIT_MAC, 1), 3);
        for (int p = 0; p < N; p++) {
            assertThat(cheated.failures()[p]).as("party %d", p).isInstanceOf(MpcAbortException.class);
            assertThat(caches[p].stats().rotations()).as("party %d rotated", p).isEqualTo(1);
            assertThat(deltaOf(caches[p])).as("party %d has a new Δ", p).isNotEqualTo(before[p]);
        }

        Parties.Outcome after = session(caches, -1, Deviation.NONE, 4);
        assertThat(after.allSucceeded()).isTrue();
        assertThat(after.results()).as("fresh base OTs after the abort")
                .allSatisfy(r -> assertThat(r.reusedOtPairs()).isZero());
        Parties.Outcome again = session(caches, -1, Deviation.NONE, 5);
        assertThat(again.allSucceeded()).isTrue();
        assertThat(again.results()).allSatisfy(r -> assertThat(r.reusedOtPairs()).isEqualTo(N - 1));
    }

    @Test
    void aNodeWithoutCacheAmongNodesWithOnesStillComputesCorrectly() {
        CotCache[] caches = {new CotCache(), null, new CotCache(), new CotCache()};
        assertThat(session(caches, -1, Deviation.NONE, 7).allSucceeded()).isTrue();
        Parties.Outcome o = session(caches, -1, Deviation.NONE, 8);
        assertThat(o.allSucceeded()).isTrue();
        assertThat(o.results()[1].reusedOtPairs()).isZero();
        assertThat(o.results()[0].reusedOtPairs()).isEqualTo(2);
    }
}
