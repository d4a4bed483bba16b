package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;

/**
 * A garbler's side of distributed garbling (every party but the evaluator, party 0). Garbler j
 * holds labels L_w,0 with L_w,1 = L_w,0 ⊕ Δ_j (free XOR; an INV gate's output label is its input's
 * ⊕ Δ_j). For AND gate (α, β, γ) and each row (a, b) it encrypts, under its own two labels
 * L_α,a and L_β,b, the n blocks
 * <pre>
 *   M_k[r^j_ab] for every other party k,    then    L_γ,0 ⊕ ⊕_k K_j[r^k_ab] ⊕ r^j_ab·Δ_j
 * </pre>
 * where r_ab = σ ⊕ λ_γ ⊕ a·λ_β ⊕ b·λ_α ⊕ a·b is the masked output of the row, XOR-shared (the
 * constant a·b belongs to party 0's share). The evaluator learns its share r^j from the MAC under
 * its own key, checked, and the output label from the last block and the other parties' MACs.
 */
final class Garbler {
    private final Session s;
    private final Circuit circuit;
    final long[] labels;

    Garbler(Session s, Circuit circuit) {
        this.s = s;
        this.circuit = circuit;
        this.labels = new long[2 * circuit.wires()];
        for (int p = 0; p < circuit.parties(); p++) {
            for (int w : circuit.inputs(p)) {
                s.prg.nextLongs(labels, 2 * w, 2);
            }
        }
        for (int i = 0; i < circuit.gates(); i++) {
            int o = 2 * circuit.out(i);
            int x = 2 * circuit.in0(i);
            switch (circuit.type(i)) {
                case Circuit.AND -> s.prg.nextLongs(labels, o, 2);
                case Circuit.XOR -> {
                    int y = 2 * circuit.in1(i);
                    labels[o] = labels[x] ^ labels[y];
                    labels[o + 1] = labels[x + 1] ^ labels[y + 1];
                }
                default -> {
                    labels[o] = labels[x] ^ s.deltaLo;
                    labels[o + 1] = labels[x + 1] ^ s.deltaHi;
                }
            }
        }
    }

    /** The garbled tables of every AND gate: gate, then row 2a+b, then n blocks. */
    long[] garble(Shares masks, Shares sigma) {
        int n = s.parties;
        int[][] in = Triples.andInputs(circuit);
        int[] outs = andOutputs(circuit);
        int ands = outs.length;
        long[] hashIn = new long[ands * 4 * n * 2];
        long[] table = new long[hashIn.length];
        long dl = s.deltaLo;
        long dh = s.deltaHi;
        long tweakHi = GarbledRows.tweakHigh(s.self, s.nonceHi);
        for (int g = 0; g < ands; g++) {
            int al = in[0][g];
            int be = in[1][g];
            int ga = outs[g];
            long[] ks = keySums(masks, sigma, g, al, be, ga); // σ+γ, β, α
            int rBase = (sigma.bit(g) ? 1 : 0) ^ (masks.bit(ga) ? 1 : 0);
            int la = masks.bit(al) ? 1 : 0;
            int lb = masks.bit(be) ? 1 : 0;
            for (int row = 0; row < 4; row++) {
                int a = row >>> 1;
                int b = row & 1;
                int off = (g * 4 + row) * n * 2;
                long am = -a;
                long bm = -b;
                int r = rBase ^ (a & lb) ^ (b & la);
                long rm = -r;
                int pos = 0;
                for (int k = 0; k < n; k++) {
                    if (k == s.self) {
                        continue;
                    }
                    long[] sm = sigma.macs[k];
                    long[] mm = masks.macs[k];
                    table[off + 2 * pos] = sm[2 * g] ^ mm[2 * ga] ^ (am & mm[2 * be]) ^ (bm & mm[2 * al]);
                    table[off + 2 * pos + 1] = sm[2 * g + 1] ^ mm[2 * ga + 1] ^ (am & mm[2 * be + 1])
                            ^ (bm & mm[2 * al + 1]);
                    pos++;
                }
                long abm = am & bm;
                table[off + 2 * (n - 1)] = labels[2 * ga] ^ ks[0] ^ (am & ks[2]) ^ (bm & ks[4]) ^ (abm & dl) ^ (rm & dl);
                table[off + 2 * (n - 1) + 1] = labels[2 * ga + 1] ^ ks[1] ^ (am & ks[3]) ^ (bm & ks[5])
                        ^ (abm & dh) ^ (rm & dh);
                long tweakLo = GarbledRows.tweakLow(g, row, s.nonceLo);
                if (s.tweaks != null) {
                    s.tweaks.garbledRow(tweakLo, tweakHi, n);
                }
                GarbledRows.inputs(labels[2 * al] ^ (am & dl), labels[2 * al + 1] ^ (am & dh),
                        labels[2 * be] ^ (bm & dl), labels[2 * be + 1] ^ (bm & dh), tweakLo, tweakHi, n, hashIn, off);
            }
        }
        long[] pads = new long[hashIn.length];
        s.aes.permute(hashIn, 0, pads, 0, hashIn.length / 2);
        for (int i = 0; i < table.length; i++) {
            table[i] ^= pads[i] ^ hashIn[i];
        }
        if (s.deviation.is(Deviation.Kind.GARBLED_ROW) && ands > 0) {
            for (int row = 0; row < 4; row++) {
                table[row * n * 2] ^= 1L << 9; // the evaluator's MAC block of gate 0
            }
        }
        return table;
    }

    /** ⊕ over peers of this party's keys for σ_g ⊕ λ_γ, λ_β, λ_α: (lo, hi) pairs. */
    private long[] keySums(Shares masks, Shares sigma, int g, int al, int be, int ga) {
        long[] r = new long[6];
        for (int k = 0; k < s.parties; k++) {
            if (k == s.self) {
                continue;
            }
            long[] km = masks.keys[k];
            long[] ksg = sigma.keys[k];
            r[0] ^= ksg[2 * g] ^ km[2 * ga];
            r[1] ^= ksg[2 * g + 1] ^ km[2 * ga + 1];
            r[2] ^= km[2 * be];
            r[3] ^= km[2 * be + 1];
            r[4] ^= km[2 * al];
            r[5] ^= km[2 * al + 1];
        }
        return r;
    }

    static int[] andOutputs(Circuit c) {
        int[] r = new int[c.andGates()];
        for (int i = 0, g = 0; i < c.gates(); i++) {
            if (c.type(i) == Circuit.AND) {
                r[g++] = c.out(i);
            }
        }
        return r;
    }
}
