package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WrkEngineTest {
    @Test
    void adderWithDealer() {
        Circuit c = StandardCircuits.adder(8);
        Random rnd = new Random(1);
        boolean[][] in = RandomCircuits.randomInputs(c, rnd);
        int n = 3;
        Parties.Outcome o = Parties.run(c, OutputPlan.everyone(c, n), in, n, Parties.dealer(n), -1, Deviation.NONE);
        for (Throwable t : o.failures()) {
            if (t != null) {
                throw new AssertionError(t);
            }
        }
        boolean[] expected = c.evaluate(in);
        for (int p = 0; p < n; p++) {
            assertThat(o.results()[p].values()).containsExactly(expected);
        }
    }
}
