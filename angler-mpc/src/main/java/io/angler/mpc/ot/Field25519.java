package io.angler.mpc.ot;

/**
 * Arithmetic in GF(p), p = 2^255 - 19, for {@link Edwards25519}: an element is a {@code long[5]}
 * of limbs in radix 2^51, value = sum x[i] 2^(51 i) (mod p). Limbs are never negative.
 *
 * <p>A product of two limbs needs up to 108 bits. Both operands are shifted left, x by 6 and y
 * by 7 bits, so that the 128-bit product carries a factor 2^13 and each operand stays below 2^63:
 * then {@link Math#multiplyHigh} (an intrinsic on x86-64 and AArch64) gives exactly the product
 * over 2^51 (its high part) and the low word {@code a * b} its low 51 bits shifted up by 13 (its
 * low part). A column's high parts and low parts are summed separately, each sum fits in a long,
 * so no 128-bit carries are propagated. The factor 19 of the wrapped-around terms is applied to
 * those sums, not to the operands, which keeps every operand within the same two shifts.
 *
 * <p><b>Bounds.</b> Every operation below states what it accepts and returns, in terms of:
 * <ul>
 *   <li><i>reduced</i>: every limb below 2^51 + 2^15 (what {@link #mul}, {@link #sqr},
 *       {@link #carry}, {@link #cnegate}, {@link #decode} and {@link #normalize} return);</li>
 *   <li><i>mul-safe</i>: every limb below {@link #MUL_BOUND} = 3 * 2^52, what {@link #mul} and
 *       {@link #sqr} accept. The sum of up to five reduced values is mul-safe, and so is
 *       {@code sub(a, b)} for a the sum of two reduced values and b reduced.</li>
 * </ul>
 * Why 3 * 2^52 (about 2^53.6): x << 6 and y << 7 stay below 2^61, their products below
 * 2^122. Column k of a product is a sum of at most 77 B^2 for inputs below B (five products,
 * four of them times 19 in column 0); its high part, at most 77 * 9 * 2^104 / 2^51 < 2^62.5, is
 * added to the next column's low part (below 81 * 2^51), and column 4's (five plain products),
 * times 19, to column 0's: 95 * 9 * 2^53 < 2^62.8. All stay below 2^63. Longer chains of
 * additions are {@link #carry}-ed first.
 *
 * <p>Everything runs in time independent of the values (no branches or indices on them), except
 * {@link #decode}/{@link #encode}'s byte loops, which depend only on lengths.
 */
final class Field25519 {
    static final int LIMBS = 5;
    /** Limbs accepted by {@link #mul} and {@link #sqr} are below this. */
    static final long MUL_BOUND = 3L << 52;

    private static final long M = (1L << 51) - 1;
    /** 2p in limbs, added before a subtraction so that no limb goes negative. */
    private static final long TWO_P0 = 2 * ((1L << 51) - 19);
    private static final long TWO_P = 2 * M;

    private Field25519() {
    }

    static long[] create() {
        return new long[LIMBS];
    }

    static void zero(long[] z) {
        z[0] = 0;
        z[1] = 0;
        z[2] = 0;
        z[3] = 0;
        z[4] = 0;
    }

    static void one(long[] z) {
        z[0] = 1;
        z[1] = 0;
        z[2] = 0;
        z[3] = 0;
        z[4] = 0;
    }

    static void copy(long[] x, long[] z) {
        z[0] = x[0];
        z[1] = x[1];
        z[2] = x[2];
        z[3] = x[3];
        z[4] = x[4];
    }

    /** z = x + y, limb by limb: bounds add (two reduced values give limbs below 2^52 + 2^16). */
    static void add(long[] x, long[] y, long[] z) {
        z[0] = x[0] + y[0];
        z[1] = x[1] + y[1];
        z[2] = x[2] + y[2];
        z[3] = x[3] + y[3];
        z[4] = x[4] + y[4];
    }

    /**
     * z = x - y as x + 2p - y limb by limb. y must be reduced (each limb at most 2p's limb, about
     * 2^52), so no limb goes negative; z's limbs are below x's plus 2^52.
     */
    static void sub(long[] x, long[] y, long[] z) {
        z[0] = x[0] + TWO_P0 - y[0];
        z[1] = x[1] + TWO_P - y[1];
        z[2] = x[2] + TWO_P - y[2];
        z[3] = x[3] + TWO_P - y[3];
        z[4] = x[4] + TWO_P - y[4];
    }

    /**
     * Carries each limb's bits above 51 into the next, the carry out of the top limb folded into
     * the bottom one times 19 (2^255 = 19 mod p). Accepts any limbs below 2^63; returns reduced
     * limbs. See {@link #reduce}.
     */
    static void carry(long[] z) {
        reduce(z[0], z[1], z[2], z[3], z[4], z);
    }

    /**
     * z = x * y. x and y mul-safe (may be the same array, and z may be either); z is reduced.
     *
     * <p>Column k is the sum of x[i] y[j] for i + j = k plus 19 times the sum for i + j = k + 5
     * (2^255 = 19). Each column is kept as its low parts lK (below 2^51 each) and its high parts
     * hK, which belong to column k + 1; column 4's go to column 0, times 19.
     */
    static void mul(long[] x, long[] y, long[] z) {
        long x0 = x[0] << 6;
        long x1 = x[1] << 6;
        long x2 = x[2] << 6;
        long x3 = x[3] << 6;
        long x4 = x[4] << 6;
        long y0 = y[0] << 7;
        long y1 = y[1] << 7;
        long y2 = y[2] << 7;
        long y3 = y[3] << 7;
        long y4 = y[4] << 7;
        long lo;
        long l;
        long h;
        long lw;
        long hw;

        lo = x0 * y0;
        l = lo >>> 13;
        h = Math.multiplyHigh(x0, y0);
        lo = x1 * y4;
        lw = lo >>> 13;
        hw = Math.multiplyHigh(x1, y4);
        lo = x2 * y3;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x2, y3);
        lo = x3 * y2;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x3, y2);
        lo = x4 * y1;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x4, y1);
        long l0 = l + 19 * lw;
        long h0 = h + 19 * hw;

        lo = x0 * y1;
        l = lo >>> 13;
        h = Math.multiplyHigh(x0, y1);
        lo = x1 * y0;
        l += lo >>> 13;
        h += Math.multiplyHigh(x1, y0);
        lo = x2 * y4;
        lw = lo >>> 13;
        hw = Math.multiplyHigh(x2, y4);
        lo = x3 * y3;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x3, y3);
        lo = x4 * y2;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x4, y2);
        long l1 = l + 19 * lw;
        long h1 = h + 19 * hw;

        lo = x0 * y2;
        l = lo >>> 13;
        h = Math.multiplyHigh(x0, y2);
        lo = x1 * y1;
        l += lo >>> 13;
        h += Math.multiplyHigh(x1, y1);
        lo = x2 * y0;
        l += lo >>> 13;
        h += Math.multiplyHigh(x2, y0);
        lo = x3 * y4;
        lw = lo >>> 13;
        hw = Math.multiplyHigh(x3, y4);
        lo = x4 * y3;
        lw += lo >>> 13;
        hw += Math.multiplyHigh(x4, y3);
        long l2 = l + 19 * lw;
        long h2 = h + 19 * hw;

        lo = x0 * y3;
        l = lo >>> 13;
        h = Math.multiplyHigh(x0, y3);
        lo = x1 * y2;
        l += lo >>> 13;
        h += Math.multiplyHigh(x1, y2);
        lo = x2 * y1;
        l += lo >>> 13;
        h += Math.multiplyHigh(x2, y1);
        lo = x3 * y0;
        l += lo >>> 13;
        h += Math.multiplyHigh(x3, y0);
        lo = x4 * y4;
        lw = lo >>> 13;
        hw = Math.multiplyHigh(x4, y4);
        long l3 = l + 19 * lw;
        long h3 = h + 19 * hw;

        lo = x0 * y4;
        l = lo >>> 13;
        h = Math.multiplyHigh(x0, y4);
        lo = x1 * y3;
        l += lo >>> 13;
        h += Math.multiplyHigh(x1, y3);
        lo = x2 * y2;
        l += lo >>> 13;
        h += Math.multiplyHigh(x2, y2);
        lo = x3 * y1;
        l += lo >>> 13;
        h += Math.multiplyHigh(x3, y1);
        lo = x4 * y0;
        l += lo >>> 13;
        h += Math.multiplyHigh(x4, y0);
        long l4 = l;
        long h4 = h;

        reduce(l0 + 19 * h4, l1 + h0, l2 + h1, l3 + h2, l4 + h3, z);
    }

    /**
     * z = x^2: as {@link #mul}, with the 10 cross products counted twice (15 products, not 25).
     * The doubling is folded into the shifts: 2 x0 x1 is (x0 << 7)(x1 << 7), 2 * 19 x1 x4 is
     * (x1 << 9)((19 x4) << 5); every operand stays below 2^63.
     */
    static void sqr(long[] x, long[] z) {
        long x0 = x[0];
        long x1 = x[1];
        long x2 = x[2];
        long x3 = x[3];
        long x4 = x[4];
        long xs0 = x0 << 6;
        long xs1 = x1 << 6;
        long xs2 = x2 << 6;
        long xd0 = x0 << 7;
        long xd1 = x1 << 7;
        long xd2 = x2 << 7;
        long xd3 = x3 << 7;
        long xd4 = x4 << 7;
        long xq1 = x1 << 9;
        long xq2 = x2 << 9;
        long xq3 = x3 << 9;
        long xh3 = x3 << 8;
        long xh4 = x4 << 8;
        long xt3 = (19 * x3) << 5;
        long xt4 = (19 * x4) << 5;
        long lo;
        long l0;
        long l1;
        long l2;
        long l3;
        long l4;
        long h0;
        long h1;
        long h2;
        long h3;
        long h4;

        // column 0: x0 x0 + 2 * 19 (x1 x4 + x2 x3)
        lo = xs0 * xd0;
        l0 = lo >>> 13;
        h0 = Math.multiplyHigh(xs0, xd0);
        lo = xq1 * xt4;
        l0 += lo >>> 13;
        h0 += Math.multiplyHigh(xq1, xt4);
        lo = xq2 * xt3;
        l0 += lo >>> 13;
        h0 += Math.multiplyHigh(xq2, xt3);

        // column 1: 2 x0 x1 + 2 * 19 x2 x4 + 19 x3 x3
        lo = xd0 * xd1;
        l1 = lo >>> 13;
        h1 = Math.multiplyHigh(xd0, xd1);
        lo = xq2 * xt4;
        l1 += lo >>> 13;
        h1 += Math.multiplyHigh(xq2, xt4);
        lo = xh3 * xt3;
        l1 += lo >>> 13;
        h1 += Math.multiplyHigh(xh3, xt3);

        // column 2: 2 x0 x2 + x1 x1 + 2 * 19 x3 x4
        lo = xd0 * xd2;
        l2 = lo >>> 13;
        h2 = Math.multiplyHigh(xd0, xd2);
        lo = xs1 * xd1;
        l2 += lo >>> 13;
        h2 += Math.multiplyHigh(xs1, xd1);
        lo = xq3 * xt4;
        l2 += lo >>> 13;
        h2 += Math.multiplyHigh(xq3, xt4);

        // column 3: 2 x0 x3 + 2 x1 x2 + 19 x4 x4
        lo = xd0 * xd3;
        l3 = lo >>> 13;
        h3 = Math.multiplyHigh(xd0, xd3);
        lo = xd1 * xd2;
        l3 += lo >>> 13;
        h3 += Math.multiplyHigh(xd1, xd2);
        lo = xh4 * xt4;
        l3 += lo >>> 13;
        h3 += Math.multiplyHigh(xh4, xt4);

        // column 4: 2 x0 x4 + 2 x1 x3 + x2 x2
        lo = xd0 * xd4;
        l4 = lo >>> 13;
        h4 = Math.multiplyHigh(xd0, xd4);
        lo = xd1 * xd3;
        l4 += lo >>> 13;
        h4 += Math.multiplyHigh(xd1, xd3);
        lo = xs2 * xd2;
        l4 += lo >>> 13;
        h4 += Math.multiplyHigh(xs2, xd2);

        reduce(l0 + 19 * h4, l1 + h0, l2 + h1, l3 + h2, l4 + h3, z);
    }

    /**
     * z = c0..c4 (each below 2^63, unsigned shifts keep them correct up to 2^64) carried to
     * reduced limbs, in two interleaved chains (0 to 1 to 2 to 3, and 3 to 4 to 0 to 1) so that
     * each step waits for one carry only. The first carries out of limbs 0, 1, 3 and 4 are below
     * 2^13; after them limb 2 is below 2^63 + 2^13 and passes less than 2^13 + 1 to limb 3 (which
     * ends below 2^51 + 2^13), and limb 0, below 2^51 + 19 * 2^13, passes at most 1 to limb 1.
     */
    private static void reduce(long c0, long c1, long c2, long c3, long c4, long[] z) {
        c1 += c0 >>> 51;
        c0 &= M;
        c4 += c3 >>> 51;
        c3 &= M;
        c2 += c1 >>> 51;
        c1 &= M;
        c0 += 19 * (c4 >>> 51);
        c4 &= M;
        c3 += c2 >>> 51;
        c2 &= M;
        c1 += c0 >>> 51;
        c0 &= M;
        z[0] = c0;
        z[1] = c1;
        z[2] = c2;
        z[3] = c3;
        z[4] = c4;
    }

    /**
     * Reduces z to its canonical form: limbs below 2^51 and value below p. Accepts limbs below
     * 2^63. After {@link #carry} the value v is below 2^255 + 2^167 < 2p, so subtracting p once if
     * v >= p suffices: q = floor((v + 19) / 2^255) is 1 exactly then, and v - qp = v + 19q -
     * q 2^255 is v + 19q carried with bit 255 dropped.
     */
    static void normalize(long[] z) {
        carry(z);
        long q = (z[0] + 19) >>> 51;
        q = (z[1] + q) >>> 51;
        q = (z[2] + q) >>> 51;
        q = (z[3] + q) >>> 51;
        q = (z[4] + q) >>> 51;
        long z0 = z[0] + 19 * q;
        long z1 = z[1] + (z0 >>> 51);
        z0 &= M;
        long z2 = z[2] + (z1 >>> 51);
        z1 &= M;
        long z3 = z[3] + (z2 >>> 51);
        z2 &= M;
        long z4 = z[4] + (z3 >>> 51);
        z3 &= M;
        z4 &= M;
        z[0] = z0;
        z[1] = z1;
        z[2] = z2;
        z[3] = z3;
        z[4] = z4;
    }

    /** 1 if x (normalized) is zero, else 0. */
    static int isZero(long[] x) {
        long d = x[0] | x[1] | x[2] | x[3] | x[4];
        return (int) (((d | -d) >>> 63) ^ 1);
    }

    /** 1 if x and y (both normalized) are equal, else 0. */
    static int areEqual(long[] x, long[] y) {
        long d = (x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]);
        return (int) (((d | -d) >>> 63) ^ 1);
    }

    /** z = x where mask is all ones, z unchanged where it is 0. */
    static void cmov(long mask, long[] x, long[] z) {
        z[0] ^= (z[0] ^ x[0]) & mask;
        z[1] ^= (z[1] ^ x[1]) & mask;
        z[2] ^= (z[2] ^ x[2]) & mask;
        z[3] ^= (z[3] ^ x[3]) & mask;
        z[4] ^= (z[4] ^ x[4]) & mask;
    }

    /** Swaps x and y when swap is 1, not when it is 0. */
    static void cswap(int swap, long[] x, long[] y) {
        long mask = -(long) swap;
        for (int i = 0; i < LIMBS; i++) {
            long t = (x[i] ^ y[i]) & mask;
            x[i] ^= t;
            y[i] ^= t;
        }
    }

    /** z = -z when negate is 1, unchanged when 0. z reduced (each limb at most 2p's); z stays reduced. */
    static void cnegate(int negate, long[] z) {
        long mask = -(long) negate;
        z[0] ^= (z[0] ^ (TWO_P0 - z[0])) & mask;
        z[1] ^= (z[1] ^ (TWO_P - z[1])) & mask;
        z[2] ^= (z[2] ^ (TWO_P - z[2])) & mask;
        z[3] ^= (z[3] ^ (TWO_P - z[3])) & mask;
        z[4] ^= (z[4] ^ (TWO_P - z[4])) & mask;
        carry(z);
    }

    /** z = 1 / x (0 for x = 0) as x^(p - 2): 254 squarings and 11 multiplications. x mul-safe. */
    static void inv(long[] x, long[] z) {
        long[] t0 = create();
        long[] t1 = create();
        long[] t2 = create();
        long[] t3 = create();
        sqr(x, t0);              // x^2
        sqrN(t0, 2, t1);         // x^8
        mul(x, t1, t1);          // x^9
        mul(t0, t1, t0);         // x^11
        sqr(t0, t2);             // x^22
        mul(t1, t2, t1);         // x^31 = x^(2^5 - 1)
        sqrN(t1, 5, t2);
        mul(t2, t1, t1);         // x^(2^10 - 1)
        sqrN(t1, 10, t2);
        mul(t2, t1, t2);         // x^(2^20 - 1)
        sqrN(t2, 20, t3);
        mul(t3, t2, t2);         // x^(2^40 - 1)
        sqrN(t2, 10, t2);
        mul(t2, t1, t1);         // x^(2^50 - 1)
        sqrN(t1, 50, t2);
        mul(t2, t1, t2);         // x^(2^100 - 1)
        sqrN(t2, 100, t3);
        mul(t3, t2, t2);         // x^(2^200 - 1)
        sqrN(t2, 50, t2);
        mul(t2, t1, t1);         // x^(2^250 - 1)
        sqrN(t1, 5, t1);         // x^(2^255 - 2^5)
        mul(t1, t0, z);          // x^(2^255 - 21) = x^(p - 2)
    }

    private static void sqrN(long[] x, int n, long[] z) {
        sqr(x, z);
        for (int i = 1; i < n; i++) {
            sqr(z, z);
        }
    }

    /**
     * Reads 32 little-endian bytes into z, ignoring bit 255 (callers that need a canonical
     * encoding check it). Values from p to 2^255 - 1 are accepted and stay non-canonical until
     * {@link #normalize}; z is reduced.
     */
    static void decode(byte[] in, int off, long[] z) {
        long w0 = le64(in, off);
        long w1 = le64(in, off + 8);
        long w2 = le64(in, off + 16);
        long w3 = le64(in, off + 24);
        z[0] = w0 & M;
        z[1] = ((w0 >>> 51) | (w1 << 13)) & M;
        z[2] = ((w1 >>> 38) | (w2 << 26)) & M;
        z[3] = ((w2 >>> 25) | (w3 << 39)) & M;
        z[4] = (w3 >>> 12) & M;
    }

    /** Writes x's canonical value as 32 little-endian bytes; x itself is left as it was. Limbs below 2^63. */
    static void encode(long[] x, byte[] out, int off) {
        long[] t = x.clone();
        normalize(t);
        putLe64(t[0] | (t[1] << 51), out, off);
        putLe64((t[1] >>> 13) | (t[2] << 38), out, off + 8);
        putLe64((t[2] >>> 26) | (t[3] << 25), out, off + 16);
        putLe64((t[3] >>> 39) | (t[4] << 12), out, off + 24);
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    private static void putLe64(long v, byte[] b, int off) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
