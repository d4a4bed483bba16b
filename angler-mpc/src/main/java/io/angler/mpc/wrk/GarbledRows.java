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

    /**
     * Writes the n hash inputs of row {@code row} of AND gate {@code gate} for {@code garbler} into
     * {@code out} at long offset {@code off}.
     */
    static void inputs(long aLo, long aHi, long bLo, long bHi, int gate, int row, int garbler, int n, long nonceLo,
                       long nonceHi, long[] out, int off) {
        // σ(A) = (aLo ^ aHi, aLo); σ²(B) = (bHi, bLo ^ bHi)
        long lo = aLo ^ aHi ^ bHi ^ (((long) gate * 4 + row) << 6) ^ nonceLo;
        long hi = aLo ^ bLo ^ bHi ^ DOMAIN ^ ((long) garbler << 40) ^ nonceHi;
        for (int t = 0; t < n; t++) {
            out[off + 2 * t] = lo ^ t;
            out[off + 2 * t + 1] = hi;
        }
    }
}
