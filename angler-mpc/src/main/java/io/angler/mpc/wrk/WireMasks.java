package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;

/**
 * The authenticated mask λ_w of every wire: a fresh random share for each circuit input wire and
 * each AND gate's output; λ = λ_a ⊕ λ_b through an XOR gate and λ = λ_a through an INV gate (the
 * inversion shows in the public masked value instead). Local: no communication.
 */
final class WireMasks {
    private WireMasks() {
    }

    static Shares compute(Session s, Layout lay, Circuit c, Shares a) {
        Shares m = new Shares(s.parties, s.self, c.wires());
        LinearOps ops = new LinearOps();
        for (int p = 0, idx = 0; p < c.parties(); p++) {
            for (int w : c.inputs(p)) {
                ops.copy(w, a, idx++);
            }
        }
        for (int i = 0, g = 0; i < c.gates(); i++) {
            int out = c.out(i);
            switch (c.type(i)) {
                case Circuit.AND -> ops.copy(out, a, lay.andMask(g++));
                case Circuit.XOR -> ops.copy(out, m, c.in0(i)).xor(out, m, c.in1(i));
                default -> ops.copy(out, m, c.in0(i));
            }
        }
        ops.applyTo(m, s.deltaLo, s.deltaHi);
        return m;
    }
}
