package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;

/**
 * Where everything lies in the one batch of authenticated bits a session makes. Sections start on
 * 64-bit boundaries so that packed-bit operations work a long at a time.
 *
 * <pre>
 *   [0, masks)            a random mask share per circuit input wire (in party order), then per AND gate output
 *   [x0, x0 + triples)    x of every leaky AND triple
 *   [y0, y0 + triples)    y
 *   [r0, r0 + triples)    r, which becomes z once the e corrections are known
 *   [g0, g0 + rho)        sacrificed by the global-key check
 *   [c0, c0 + rho)        masks of the random combinations of the authenticated-bit check
 * </pre>
 * Everything below {@code c0} is covered by that check.
 */
record Layout(int rho, int inputs, int andGates, int[] inputOffset, BucketSize buckets,
              int masks, int x0, int y0, int r0, int g0, int c0, int count) {

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
        int x0 = align(masks);
        int y0 = x0 + align(triples);
        int r0 = y0 + align(triples);
        int g0 = r0 + align(triples);
        int c0 = g0 + align(rho);
        int count = c0 + align(rho);
        return new Layout(rho, inputs, ands, offset, b, masks, x0, y0, r0, g0, c0, count);
    }

    int triples() {
        return buckets.triples();
    }

    /** Index of the mask of the {@code g}-th AND gate's output wire. */
    int andMask(int g) {
        return inputs + g;
    }

    private static int align(int bits) {
        return (bits + 63) & ~63;
    }
}
