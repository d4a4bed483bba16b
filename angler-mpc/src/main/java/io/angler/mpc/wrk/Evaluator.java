package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;

/**
 * The evaluator's side (party 0): it knows every wire's masked value x ⊕ λ_w and every garbler's
 * label for it. At an AND gate it opens, in each garbler's table, the row of the two masked
 * inputs; the first block is the MAC of that garbler's share r^j under the evaluator's own key,
 * from which it reads r^j (lsb(Δ0) = 1) and which it checks in full (<b>garbled-row</b>): a
 * garbler cannot change its share, and a row decrypted under a wrong label fails the check. The
 * masked output is ⊕ r^j; garbler j's output label is its last block ⊕ every other party's MAC
 * under Δ_j.
 */
final class Evaluator {
    private final Session s;
    private final Circuit circuit;
    final long[][] labels; // per garbler, per wire
    final long[] masked; // per wire, packed
    private final long[] cone; // per wire, packed: in the input cone (see inputCone)

    Evaluator(Session s, Circuit circuit) {
        this.s = s;
        this.circuit = circuit;
        this.labels = new long[s.parties][];
        for (int j = 1; j < s.parties; j++) {
            labels[j] = new long[2 * circuit.wires()];
        }
        this.masked = new long[(circuit.wires() + 63) >>> 6];
        this.cone = new long[masked.length];
    }

    boolean maskedValue(int w) {
        return ((masked[w >>> 6] >>> (w & 63)) & 1) != 0;
    }

    private void setMasked(int w, boolean v) {
        if (v) {
            masked[w >>> 6] |= 1L << (w & 63);
        } else {
            masked[w >>> 6] &= ~(1L << (w & 63));
        }
    }

    /**
     * Wires computed from input wires by XOR and INV alone: garbler j's labels on them are the input
     * labels j itself sent, so a row of j that fails on them is j's doing. Past an AND gate, j's
     * label also depends on the MAC blocks other garblers put in their rows for j (which only j could
     * check), so a failure there cannot be pinned on anyone.
     */
    private boolean inputCone(int w) {
        return ((cone[w >>> 6] >>> (w & 63)) & 1) != 0;
    }

    private void setCone(int w, boolean v) {
        if (v) {
            cone[w >>> 6] |= 1L << (w & 63);
        } else {
            cone[w >>> 6] &= ~(1L << (w & 63));
        }
    }

    private static MpcAbortException garbledRowFailure(int garbler, int gate, boolean direct) {
        return direct
                ? new MpcAbortException("garbled-row", garbler, "a garbled row of AND gate " + gate
                        + " does not carry a valid MAC")
                : new MpcAbortException("garbled-row", -1, "garbler " + garbler + "'s row of AND gate " + gate
                        + " does not carry a valid MAC (its labels there also depend on the other garblers' rows)");
    }

    /** @param nonces per garbler, its session nonce (lo, hi) */
    void evaluate(Shares masks, Shares sigma, long[][] tables, long[][] nonces) {
        java.util.Arrays.fill(cone, -1L); // input wires; every other wire is set before it is read

        int n = s.parties;
        int garblers = n - 1;
        long[] in = new long[garblers * n * 2];
        long[] dec = new long[in.length];
        long[] myMac = new long[2 * n];
        long dl = s.deltaLo;
        long dh = s.deltaHi;
        for (int i = 0, g = 0; i < circuit.gates(); i++) {
            int o = circuit.out(i);
            int x = circuit.in0(i);
            switch (circuit.type(i)) {
                case Circuit.XOR -> {
                    int y = circuit.in1(i);
                    for (int j = 1; j < n; j++) {
                        long[] l = labels[j];
                        l[2 * o] = l[2 * x] ^ l[2 * y];
                        l[2 * o + 1] = l[2 * x + 1] ^ l[2 * y + 1];
                    }
                    setMasked(o, maskedValue(x) ^ maskedValue(y));
                    setCone(o, inputCone(x) && inputCone(y));
                }
                case Circuit.INV -> {
                    for (int j = 1; j < n; j++) {
                        labels[j][2 * o] = labels[j][2 * x];
                        labels[j][2 * o + 1] = labels[j][2 * x + 1];
                    }
                    setMasked(o, !maskedValue(x));
                    setCone(o, inputCone(x));
                }
                default -> {
                    int y = circuit.in1(i);
                    int a = maskedValue(x) ? 1 : 0;
                    int b = maskedValue(y) ? 1 : 0;
                    int row = 2 * a + b;
                    long am = -a;
                    long bm = -b;
                    for (int j = 1; j < n; j++) {
                        long[] l = labels[j];
                        GarbledRows.inputs(l[2 * x], l[2 * x + 1], l[2 * y], l[2 * y + 1],
                                GarbledRows.tweakLow(g, row, nonces[j][0]), GarbledRows.tweakHigh(j, nonces[j][1]), n,
                                in, (j - 1) * n * 2);
                    }
                    s.aes.permute(in, 0, dec, 0, garblers * n);
                    int tOff = (g * 4 + row) * n * 2;
                    for (int j = 1; j < n; j++) {
                        long[] t = tables[j];
                        int d = (j - 1) * n * 2;
                        for (int q = 0; q < 2 * n; q++) {
                            dec[d + q] ^= in[d + q] ^ t[tOff + q];
                        }
                    }
                    int z = (sigma.bit(g) ? 1 : 0) ^ (masks.bit(o) ? 1 : 0) ^ (a & (masks.bit(y) ? 1 : 0))
                            ^ (b & (masks.bit(x) ? 1 : 0)) ^ (a & b);
                    for (int j = 1; j < n; j++) {
                        long[] sk = sigma.keys[j];
                        long[] mk = masks.keys[j];
                        long kl = sk[2 * g] ^ mk[2 * o] ^ (am & mk[2 * y]) ^ (bm & mk[2 * x]);
                        long kh = sk[2 * g + 1] ^ mk[2 * o + 1] ^ (am & mk[2 * y + 1]) ^ (bm & mk[2 * x + 1]);
                        int d = (j - 1) * n * 2;
                        long ml = dec[d];
                        long mh = dec[d + 1];
                        long r = (ml ^ kl) & 1;
                        if (ml != (kl ^ (-r & dl)) || mh != (kh ^ (-r & dh))) {
                            throw garbledRowFailure(j, g, inputCone(x) && inputCone(y));
                        }
                        z ^= (int) r;
                        long[] sm = sigma.macs[j];
                        long[] mm = masks.macs[j];
                        myMac[2 * j] = sm[2 * g] ^ mm[2 * o] ^ (am & mm[2 * y]) ^ (bm & mm[2 * x]);
                        myMac[2 * j + 1] = sm[2 * g + 1] ^ mm[2 * o + 1] ^ (am & mm[2 * y + 1]) ^ (bm & mm[2 * x + 1]);
                    }
                    for (int j = 1; j < n; j++) {
                        int d = (j - 1) * n * 2;
                        long ll = dec[d + 2 * (n - 1)] ^ myMac[2 * j];
                        long lh = dec[d + 2 * (n - 1) + 1] ^ myMac[2 * j + 1];
                        for (int k = 1; k < n; k++) {
                            if (k != j) {
                                int pos = (k - 1) * n * 2 + 2 * (j < k ? j : j - 1);
                                ll ^= dec[pos];
                                lh ^= dec[pos + 1];
                            }
                        }
                        labels[j][2 * o] = ll;
                        labels[j][2 * o + 1] = lh;
                    }
                    setMasked(o, z != 0);
                    cone[o >>> 6] &= ~(1L << (o & 63));
                    g++;
                }
            }
        }
    }
}
