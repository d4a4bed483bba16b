package io.angler.mpc.crypto;

/**
 * Arithmetic in GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), the field of the consistency
 * checks (random linear combinations of blocks). Bit {@code i} of a block (bit i of lo for i < 64,
 * bit i-64 of hi otherwise) is the coefficient of x^i. This is not GCM's bit-reflected order.
 */
public final class Gf128 {
    private Gf128() {
    }

    /** out[outOff], out[outOff+1] = (aLo, aHi) * (bLo, bHi). */
    public static void mul(long aLo, long aHi, long bLo, long bHi, long[] out, int outOff) {
        // Karatsuba: three 64x64 carry-less products.
        long[] p = new long[2];
        clmul(aLo, bLo, p);
        long r0 = p[0];
        long r1 = p[1];
        clmul(aHi, bHi, p);
        long r2 = p[0];
        long r3 = p[1];
        clmul(aLo ^ aHi, bLo ^ bHi, p);
        long m0 = p[0] ^ r0 ^ r2;
        long m1 = p[1] ^ r1 ^ r3;
        r1 ^= m0;
        r2 ^= m1;
        reduce(r0, r1, r2, r3, out, outOff);
    }

    /** Multiplies block {@code a[ai]} by block {@code b[bi]} into {@code out[oi]} (offsets in longs). */
    public static void mul(long[] a, int ai, long[] b, int bi, long[] out, int oi) {
        mul(a[ai], a[ai + 1], b[bi], b[bi + 1], out, oi);
    }

    /** 64x64 -> 128-bit carry-less product into r[0] (low), r[1] (high). */
    public static void clmul(long a, long b, long[] r) {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < 64; i++) {
            long mask = -((b >>> i) & 1);
            lo ^= (a << i) & mask;
            if (i > 0) {
                hi ^= (a >>> (64 - i)) & mask;
            }
        }
        r[0] = lo;
        r[1] = hi;
    }

    /** Reduces the 256-bit (r0 lowest .. r3 highest) modulo x^128 + x^7 + x^2 + x + 1. */
    static void reduce(long r0, long r1, long r2, long r3, long[] out, int outOff) {
        // x^128 = x^7 + x^2 + x + 1, so the high half H contributes H ^ H<<1 ^ H<<2 ^ H<<7; the bits
        // shifted beyond x^127 (at most 7) are folded once more the same way.
        long lo = r0 ^ r2 ^ (r2 << 1) ^ (r2 << 2) ^ (r2 << 7);
        long hi = r1 ^ r3 ^ (r3 << 1) ^ (r3 << 2) ^ (r3 << 7)
                ^ (r2 >>> 63) ^ (r2 >>> 62) ^ (r2 >>> 57);
        long over = (r3 >>> 63) ^ (r3 >>> 62) ^ (r3 >>> 57);
        lo ^= over ^ (over << 1) ^ (over << 2) ^ (over << 7);
        out[outOff] = lo;
        out[outOff + 1] = hi;
    }
}
