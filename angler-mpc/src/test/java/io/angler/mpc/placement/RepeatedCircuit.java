package io.angler.mpc.placement;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import java.util.Arrays;

/**
 * n independent copies of a circuit side by side, so that one engine session evaluates n
 * placements: party p's input is its inputs to copy 0, then copy 1, ...; the outputs and the
 * output plan are copy 0's, then copy 1's, ... The engine's fixed cost (base OT, checks) is then
 * paid once for n cases, which lets the tests run hundreds of cases under the engine.
 */
final class RepeatedCircuit {
    private RepeatedCircuit() {
    }

    static Circuit of(Circuit c, int n) {
        int w = c.wires();
        int g = c.gates();
        int[][] inputs = new int[c.parties()][];
        for (int p = 0; p < inputs.length; p++) {
            int[] one = c.inputs(p);
            inputs[p] = new int[one.length * n];
            for (int copy = 0; copy < n; copy++) {
                for (int i = 0; i < one.length; i++) {
                    inputs[p][copy * one.length + i] = one[i] + copy * w;
                }
            }
        }
        byte[] types = new byte[g * n];
        int[] in0 = new int[g * n];
        int[] in1 = new int[g * n];
        int[] out = new int[g * n];
        for (int copy = 0; copy < n; copy++) {
            for (int i = 0; i < g; i++) {
                int k = copy * g + i;
                types[k] = c.type(i);
                in0[k] = c.in0(i) + copy * w;
                in1[k] = c.type(i) == Circuit.INV ? -1 : c.in1(i) + copy * w;
                out[k] = c.out(i) + copy * w;
            }
        }
        int[] outputs = new int[c.outputBits() * n];
        int[] oneOutputs = c.outputs();
        int[] widths = new int[c.outputWidths().length * n];
        for (int copy = 0; copy < n; copy++) {
            for (int i = 0; i < c.outputBits(); i++) {
                outputs[copy * c.outputBits() + i] = oneOutputs[i] + copy * w;
            }
            System.arraycopy(c.outputWidths(), 0, widths, copy * c.outputWidths().length, c.outputWidths().length);
        }
        return new Circuit(w * n, inputs, types, in0, in1, out, outputs, widths);
    }

    static OutputPlan plan(OutputPlan plan, int n) {
        long[] r = new long[plan.outputBits() * n];
        for (int copy = 0; copy < n; copy++) {
            for (int i = 0; i < plan.outputBits(); i++) {
                r[copy * plan.outputBits() + i] = plan.recipients(i);
            }
        }
        return OutputPlan.of(r);
    }

    /** Copy {@code copy}'s slice of a repeated circuit's input or output bits. */
    static boolean[] slice(boolean[] bits, int copy, int n) {
        int len = bits.length / n;
        return Arrays.copyOfRange(bits, copy * len, (copy + 1) * len);
    }

    /** Concatenates one party's inputs to the copies. */
    static boolean[] concat(boolean[][] perCopy) {
        int len = 0;
        for (boolean[] b : perCopy) {
            len += b.length;
        }
        boolean[] r = new boolean[len];
        int at = 0;
        for (boolean[] b : perCopy) {
            System.arraycopy(b, 0, r, at, b.length);
            at += b.length;
        }
        return r;
    }
}
