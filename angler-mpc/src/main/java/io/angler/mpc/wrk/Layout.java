package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;

/**
 * Where everything lies in the one batch of authenticated bits a session makes. Sections start on
 * 64-bit boundaries so that packed-bit operations work a long at a time.
 *
 * <pre>
 *   [0, masks)            a random mask share per circuit input wire (in party order), then per AND gate output
 *   [t0, t0 + 3·triples)  leaky AND triple k as x at t0+3k, y at t0+3k+1 and r at t0+3k+2 (r becomes z
 *                         once the e corrections are known): a triple's MACs and keys share a cache
 *                         line, which matters when bucketing reads them in random order
 *   [g0, g0 + rho)        sacrificed by the global-key check
 *   [c0, c0 + rho)        masks of the random combinations of the authenticated-bit check
 * </pre>
 * Everything below {@code c0} is covered by that check.
 */
record Layout(int rho, int inputs, int andGates, int[] inputOffset, BucketSize buckets,
              int masks, int t0, int g0, int c0, int count) {

    static Layout of(Circuit circuit, int parties, int rho) {
        int[] offset = new int[parties + 1];
        for (int p = 0; p < parties; p++) {
            offset[p + 1] = offset[p] + (p < circuit.parties() ? circuit.inputBits(p) : 0);
        }
        int inputs = offset[parties];
        int ands = circuit.andGates();
        BucketSize b = BucketSize.choose(ands, rho);
        int triples = b.triples();
        int masks = inputs + ands;
        int t0 = align(masks);
        int g0 = t0 + align(3 * triples);
        int c0 = g0 + align(rho);
        int count = c0 + align(rho);
        return new Layout(rho, inputs, ands, offset, b, masks, t0, g0, c0, count);
    }

    int triples() {
        return buckets.triples();
    }

    int x(int k) {
        return t0 + 3 * k;
    }

    int y(int k) {
        return t0 + 3 * k + 1;
    }

    /** r of triple k, z once corrected. */
    int r(int k) {
        return t0 + 3 * k + 2;
    }

    /** Index of the mask of the {@code g}-th AND gate's output wire. */
    int andMask(int g) {
        return inputs + g;
    }

    private static int align(int bits) {
        return (bits + 63) & ~63;
    }
}
