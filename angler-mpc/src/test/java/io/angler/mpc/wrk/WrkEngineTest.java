package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.CircuitBuilder;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Outputs equal the plaintext evaluation, for every recipient and only for recipients. */
class WrkEngineTest {

    static void assertCorrect(Circuit c, OutputPlan plan, boolean[][] in, Parties.Outcome o) {
        for (int p = 0; p < o.failures().length; p++) {
            if (o.failures()[p] != null) {
                throw new AssertionError("party " + p + " failed", o.failures()[p]);
            }
        }
        boolean[] expected = c.evaluate(in);
        for (int p = 0; p < o.results().length; p++) {
            WrkResult r = o.results()[p];
            assertThat(r.outputBits()).isEqualTo(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(r.learned(i)).as("party %d learns bit %d", p, i).isEqualTo(plan.learns(p, i));
                if (plan.learns(p, i)) {
                    assertThat(r.value(i)).as("party %d, bit %d", p, i).isEqualTo(expected[i]);
                }
            }
        }
    }

    static OutputPlan randomPlan(Circuit c, int n, Random rnd) {
        long[] r = new long[c.outputBits()];
        for (int i = 0; i < r.length; i++) {
            while (r[i] == 0) {
                r[i] = rnd.nextLong() & ((1L << n) - 1);
            }
        }
        return OutputPlan.of(r);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 9})
    void randomCircuitsWithRandomRecipients(int n) {
        Random rnd = new Random(1000 + n);
        for (int trial = 0; trial < 3; trial++) {
            Circuit c = RandomCircuits.random(rnd, 1 + rnd.nextInt(n), 20 + rnd.nextInt(60));
            boolean[][] in = RandomCircuits.randomInputs(c, rnd);
            OutputPlan plan = randomPlan(c, n, rnd);
            assertCorrect(c, plan, in, Parties.run(c, plan, in, n, Parties.realOt(), -1, Deviation.NONE));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 9})
    void standardCircuits(int n) {
        Random rnd = new Random(7 + n);
        Circuit[] circuits = {StandardCircuits.adder(16), StandardCircuits.lessThan(16), StandardCircuits.multiplier(8)};
        for (Circuit c : circuits) {
            boolean[][] in = RandomCircuits.randomInputs(c, rnd);
            OutputPlan plan = OutputPlan.everyone(c, n);
            assertCorrect(c, plan, in, Parties.run(c, plan, in, n, Parties.realOt(), -1, Deviation.NONE));
        }
    }

    @Test
    void aes128() {
        Circuit c = StandardCircuits.aes128();
        Random rnd = new Random(11);
        boolean[][] in = RandomCircuits.randomInputs(c, rnd);
        int n = 3; // the key holder, the plaintext holder and a third party without inputs
        OutputPlan plan = randomPlan(c, n, rnd);
        assertCorrect(c, plan, in, Parties.run(c, plan, in, n, Parties.realOt(), -1, Deviation.NONE));
    }

    @Test
    void circuitWithoutAndGates() {
        CircuitBuilder b = new CircuitBuilder(2);
        int[] x = b.input(0, 3);
        int[] y = b.input(1, 3);
        b.output(b.xor(x, y));
        b.output(b.not(x[0]));
        Circuit c = b.build();
        boolean[][] in = {{true, false, true}, {true, true, false}};
        OutputPlan plan = OutputPlan.everyone(c, 3);
        assertCorrect(c, plan, in, Parties.run(c, plan, in, 3, Parties.realOt(), -1, Deviation.NONE));
    }
}
