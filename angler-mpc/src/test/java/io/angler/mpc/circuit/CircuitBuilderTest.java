package io.angler.mpc.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

class CircuitBuilderTest {
    private static final int W = 12;
    private static final long MASK = (1L << W) - 1;

    /** Builds a two-party circuit computing op on two W-bit inputs and checks it on random inputs. */
    private static void check(String name, int outBits, java.util.function.BiFunction<CircuitBuilder, int[][], int[]> build,
                              LongBinaryOperator expected) {
        CircuitBuilder b = new CircuitBuilder(2);
        int[] x = b.input(0, W);
        int[] y = b.input(1, W);
        b.output(build.apply(b, new int[][] {x, y}));
        Circuit c = b.build();
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int round = 0; round < 50; round++) {
            long[] xs = new long[64];
            long[] ys = new long[64];
            long[][] lanes = {new long[W], new long[W]};
            for (int k = 0; k < 64; k++) {
                // edge values are common: 0, max, equal operands
                xs[k] = k % 8 == 0 ? 0 : k % 8 == 1 ? MASK : rnd.nextLong() & MASK;
                ys[k] = k % 8 == 2 ? xs[k] : k % 8 == 3 ? MASK : rnd.nextLong() & MASK;
                for (int i = 0; i < W; i++) {
                    lanes[0][i] |= ((xs[k] >>> i) & 1) << k;
                    lanes[1][i] |= ((ys[k] >>> i) & 1) << k;
                }
            }
            long[] r = c.evaluate64(lanes);
            assertThat(r).hasSize(outBits);
            for (int k = 0; k < 64; k++) {
                long got = 0;
                for (int i = 0; i < outBits; i++) {
                    got |= ((r[i] >>> k) & 1) << i;
                }
                long want = expected.applyAsLong(xs[k], ys[k]) & ((1L << outBits) - 1);
                assertThat(got).as("%s(%d, %d)", name, xs[k], ys[k]).isEqualTo(want);
            }
        }
    }

    @Test
    void arithmeticMatchesJava() {
        check("add", W, (b, v) -> b.add(v[0], v[1]), (x, y) -> x + y);
        check("addExtend", W + 1, (b, v) -> b.addExtend(v[0], v[1]), (x, y) -> x + y);
        check("sub", W, (b, v) -> b.sub(v[0], v[1]), (x, y) -> x - y);
        check("mul", W, (b, v) -> b.multiply(v[0], v[1]), (x, y) -> x * y);
        check("xor", W, (b, v) -> b.xor(v[0], v[1]), (x, y) -> x ^ y);
        check("lt", 1, (b, v) -> new int[] {b.lessThan(v[0], v[1])}, (x, y) -> x < y ? 1 : 0);
        check("ge", 1, (b, v) -> new int[] {b.greaterOrEqual(v[0], v[1])}, (x, y) -> x >= y ? 1 : 0);
        check("eq", 1, (b, v) -> new int[] {b.equal(v[0], v[1])}, (x, y) -> x == y ? 1 : 0);
        check("mux", W, (b, v) -> b.mux(v[0][0], v[0], v[1]), (x, y) -> (x & 1) == 1 ? y : x);
        check("ltConst", 1, (b, v) -> new int[] {b.lessThan(v[0], b.constant(1000, W))}, (x, y) -> x < 1000 ? 1 : 0);
        check("addConst", W, (b, v) -> b.add(v[0], b.constant(77, W)), (x, y) -> x + 77);
        check("subtractWithBorrow", W + 1, (b, v) -> b.subtractWithBorrow(v[0], v[1]),
                (x, y) -> ((x - y) & MASK) | (x < y ? 1L << W : 0));
    }

    @Test
    void subtractWithBorrowCostsOneAndGatePerBit() {
        CircuitBuilder b = new CircuitBuilder(2);
        b.output(b.subtractWithBorrow(b.input(0, 16), b.input(1, 16)));
        assertThat(b.andGates()).isEqualTo(16);
    }

    @Test
    void outputPlanListsEachPartysBits() {
        CircuitBuilder b = new CircuitBuilder(3);
        int[] x = b.input(0, 3);
        b.output(x);
        Circuit c = b.build();
        OutputPlan plan = OutputPlan.of(new long[] {0b001, 0b110, 0b011});
        plan.check(c, 3);
        assertThat(plan.bitsOf(0)).containsExactly(0, 2);
        assertThat(plan.bitsOf(1)).containsExactly(1, 2);
        assertThat(plan.bitsOf(2)).containsExactly(1);
        assertThatThrownBy(() -> plan.check(c, 2)).hasMessageContaining("output bit 1 names a party beyond 1");
        assertThatThrownBy(() -> OutputPlan.of(new long[] {1, 0})).hasMessageContaining("output bit 1 has no recipient");
    }

    @Test
    void oneAndGatePerBitForComparisonAdditionAndMux() {
        CircuitBuilder b = new CircuitBuilder(2);
        int[] x = b.input(0, 32);
        int[] y = b.input(1, 32);
        b.output(b.lessThan(x, y));
        assertThat(b.andGates()).isEqualTo(32);
        b.output(b.add(x, y));
        assertThat(b.andGates()).isEqualTo(32 + 31);
        b.output(b.mux(x[0], x, y));
        assertThat(b.andGates()).isEqualTo(32 + 31 + 32);
    }

    @Test
    void constantsAreFoldedNotInputs() {
        CircuitBuilder b = new CircuitBuilder(1);
        int[] x = b.input(0, 4);
        assertThat(b.and(x[0], CircuitBuilder.ZERO)).isEqualTo(CircuitBuilder.ZERO);
        assertThat(b.and(x[0], CircuitBuilder.ONE)).isEqualTo(x[0]);
        assertThat(b.xor(x[1], x[1])).isEqualTo(CircuitBuilder.ZERO);
        b.output(CircuitBuilder.ONE, CircuitBuilder.ZERO, x[2]);
        Circuit c = b.build();
        assertThat(c.andGates()).isZero();
        assertThat(c.evaluate(new boolean[][] {{false, true, true, false}})).containsExactly(true, false, true);
        assertThat(c.evaluate(new boolean[][] {{true, true, false, true}})).containsExactly(true, false, false);
    }

    @Test
    void depthOfAnAndTreeIsLogarithmic() {
        CircuitBuilder b = new CircuitBuilder(1);
        int[] x = b.input(0, 16);
        b.output(b.andAll(x));
        Circuit c = b.build();
        assertThat(c.andGates()).isEqualTo(15);
        assertThat(c.andDepth()).isEqualTo(4);
    }

    @Test
    void circuitRejectsMalformedStructure() {
        int[][] in = {{0, 1}};
        assertThatThrownBy(() -> new Circuit(3, in, new byte[] {Circuit.AND}, new int[] {0}, new int[] {2},
                new int[] {2}, new int[] {2}, new int[] {1})).hasMessageContaining("reads wire 2 before it is defined");
        assertThatThrownBy(() -> new Circuit(3, in, new byte[] {Circuit.AND}, new int[] {0}, new int[] {1},
                new int[] {1}, new int[] {1}, new int[] {1})).hasMessageContaining("already defined");
        assertThatThrownBy(() -> new Circuit(3, in, new byte[] {7}, new int[] {0}, new int[] {1},
                new int[] {2}, new int[] {2}, new int[] {1})).hasMessageContaining("unknown type 7");
        assertThatThrownBy(() -> new Circuit(3, in, new byte[] {Circuit.XOR}, new int[] {0}, new int[] {1},
                new int[] {5}, new int[] {2}, new int[] {1})).hasMessageContaining("outside 0..2");
        assertThatThrownBy(() -> new Circuit(3, in, new byte[] {Circuit.XOR}, new int[] {0}, new int[] {1},
                new int[] {2}, new int[] {2}, new int[] {2})).hasMessageContaining("sum to 2");
    }
}
