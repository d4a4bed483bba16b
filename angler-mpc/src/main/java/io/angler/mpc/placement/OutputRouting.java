package io.angler.mpc.placement;

import io.angler.mpc.circuit.CircuitBuilder;
import io.angler.mpc.circuit.OutputPlan;
import java.util.Arrays;

/** Adds output values to a circuit under construction and records who may learn each bit. */
final class OutputRouting {
    private final CircuitBuilder b;
    private long[] recipients = new long[64];
    private int bits;

    OutputRouting(CircuitBuilder b) {
        this.b = b;
    }

    /** Adds one output value for the parties in {@code mask}; returns the output bit indices. */
    int[] add(int[] value, long mask) {
        if (value.length == 0) {
            return new int[0]; // a zero-width field (e.g. the index of the only provider) is not an output
        }
        b.output(value);
        int[] idx = new int[value.length];
        for (int i = 0; i < value.length; i++) {
            if (bits == recipients.length) {
                recipients = Arrays.copyOf(recipients, bits * 2);
            }
            recipients[bits] = mask;
            idx[i] = bits++;
        }
        return idx;
    }

    static long party(int p) {
        return 1L << p;
    }

    OutputPlan plan() {
        return OutputPlan.of(Arrays.copyOf(recipients, bits));
    }
}
