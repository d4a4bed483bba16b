package io.angler.mpc.wrk;

/**
 * The key stream that encrypts one garbled row: n blocks from the row's two input labels A and B,
 * pad_t = π(X ⊕ t) ⊕ X ⊕ t with X = σ(A) ⊕ σ²(B) ⊕ T(gate, row, garbler) ⊕ N, π fixed-key AES,
 * N the garbler's session nonce (its Δ may serve in other sessions, whose tweaks must differ) and
 * σ(l, h) = (l ⊕ h, l) the linear orthomorphism of the circular-correlation-robust hash. Since
 * σ ⊕ σ² is the identity, the three rows the evaluator cannot open differ from its own by σ(Δ),
 * σ²(Δ) and Δ: all unknown to it.
 */
final class GarbledRows {
    private static final long DOMAIN = 0x47524200_00000000L; // "GRB"

    private GarbledRows() {
    }

    /** The low half of T ⊕ N for row {@code row} of AND gate {@code gate}: the low 6 bits are left for t (n ≤ 64). */
    static long tweakLow(int gate, int row, long nonceLo) {
        return (((long) gate * 4 + row) << 6) ^ nonceLo;
    }

    /** The high half of T ⊕ N for every row of {@code garbler}. */
    static long tweakHigh(int garbler, long nonceHi) {
        return DOMAIN ^ ((long) garbler << 40) ^ nonceHi;
    }

    /**
     * Writes the n hash inputs of a row into {@code out} at long offset {@code off}: from its input
     * labels A and B and its tweak ({@link #tweakLow}, {@link #tweakHigh}).
     */
    static void inputs(long aLo, long aHi, long bLo, long bHi, long tweakLo, long tweakHi, int n, long[] out,
                       int off) {
        // σ(A) = (aLo ^ aHi, aLo); σ²(B) = (bHi, bLo ^ bHi)
        long lo = aLo ^ aHi ^ bHi ^ tweakLo;
        long hi = aLo ^ bLo ^ bHi ^ tweakHi;
        for (int t = 0; t < n; t++) {
            out[off + 2 * t] = lo ^ t;
            out[off + 2 * t + 1] = hi;
        }
    }
}
