package io.angler.mpc.ot;

import static io.angler.mpc.ot.Field25519.add;
import static io.angler.mpc.ot.Field25519.areEqual;
import static io.angler.mpc.ot.Field25519.carry;
import static io.angler.mpc.ot.Field25519.cmov;
import static io.angler.mpc.ot.Field25519.cnegate;
import static io.angler.mpc.ot.Field25519.copy;
import static io.angler.mpc.ot.Field25519.create;
import static io.angler.mpc.ot.Field25519.cswap;
import static io.angler.mpc.ot.Field25519.inv;
import static io.angler.mpc.ot.Field25519.isZero;
import static io.angler.mpc.ot.Field25519.mul;
import static io.angler.mpc.ot.Field25519.normalize;
import static io.angler.mpc.ot.Field25519.one;
import static io.angler.mpc.ot.Field25519.sqr;
import static io.angler.mpc.ot.Field25519.sub;
import static io.angler.mpc.ot.Field25519.zero;

import io.angler.mpc.crypto.Prg;
import java.math.BigInteger;

/**
 * The twisted Edwards curve edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)), on
 * our own field arithmetic ({@link Field25519}: five 51-bit limbs in a {@code long[]}), for the
 * base OTs. The JDK has no public point arithmetic, BouncyCastle's generic {@code ECPoint} is slow,
 * and its {@code X25519Field} (ten 25.5-bit limbs in an {@code int[]}), which this class used
 * before, made variable-base scalar multiplication about 1.3 times slower (docs/mpc.md).
 *
 * <p>Points are in extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z (Hisil, Wong,
 * Carter, Dawson 2008). Scalars are 32-byte little-endian integers below 2^255, recoded into 64
 * signed radix-16 digits; table look-ups scan the whole table, so the operation sequence does not
 * depend on secret scalars. The wire format is the affine pair (x, y), 64 bytes, each coordinate
 * canonical: decoding needs no square root, only a check of the curve equation.
 *
 * <p>The curve has cofactor 8. Callers keep small-order components from mattering by using
 * scalars that are multiples of 8 ({@link #randomScalar}) and by checking received points with
 * {@link #isInPrimeOrderSubgroup} where a point must not carry torsion.
 *
 * <p>Bounds (see {@link Field25519}): point coordinates and products are reduced; {@code mul} and
 * {@code sqr} accept limbs below 3 * 2^52, which covers a sum of two reduced values plus the 2p
 * that {@code sub} adds, and {@code sub} needs a reduced subtrahend. Each step that could exceed
 * that says so below.
 *
 * <p>An instance holds scratch space: one per thread.
 */
final class Edwards25519 {
    static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    /** The prime order of the base point. */
    static final BigInteger ORDER = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    static final int POINT_BYTES = 64;
    static final int SCALAR_BYTES = 32;

    private static final long[] D2;
    private static final long[] BASE_X;
    private static final long[] BASE_Y;
    private static final byte[] ORDER_BYTES;
    private static volatile FixedBase baseTable;

    static {
        BigInteger d = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
        D2 = fe(d.shiftLeft(1).mod(P));
        BigInteger y = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger u = y2.subtract(BigInteger.ONE).multiply(d.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
        BigInteger x = sqrt(u);
        if (x.testBit(0)) {
            x = P.subtract(x); // RFC 8032: the base point's x is even
        }
        BASE_X = fe(x);
        BASE_Y = fe(y);
        ORDER_BYTES = littleEndian(ORDER);
    }

    /** A point in extended coordinates. */
    static final class Point {
        final long[] x = create();
        final long[] y = create();
        final long[] z = create();
        final long[] t = create();

        void setIdentity() {
            zero(x);
            one(y);
            one(z);
            zero(t);
        }

        void set(Point p) {
            copy(p.x, x);
            copy(p.y, y);
            copy(p.z, z);
            copy(p.t, t);
        }
    }

    /** A point prepared for addition: (Y+X, Y-X, 2Z, 2dT). */
    static final class Cached {
        final long[] ypx = create();
        final long[] ymx = create();
        final long[] z2 = create();
        final long[] t2d = create();

        void setIdentity() {
            one(ypx);
            one(ymx);
            zero(z2);
            z2[0] = 2;
            zero(t2d);
        }
    }

    /** An affine point prepared for mixed addition: (y+x, y-x, 2dxy). */
    static final class Precomp {
        final long[] ypx = create();
        final long[] ymx = create();
        final long[] xy2d = create();

        void setIdentity() {
            one(ypx);
            one(ymx);
            zero(xy2d);
        }
    }

    /**
     * A table of (j+1) * 256^i * P for i < 32, j < 8, for multiplying one point by many scalars.
     * Entry (i, j) is the 15 limbs (y+x, y-x, 2dxy) at {@code 15 * (8i + j)}: flat, so that the
     * constant-time scan over a row is one short loop the JIT vectorises.
     */
    static final class FixedBase {
        final long[] flat = new long[32 * 8 * PRECOMP_LONGS];
    }

    /** Limbs per field element; table entries are their coordinates' limbs back to back. */
    private static final int FE = Field25519.LIMBS;
    private static final int PRECOMP_LONGS = 3 * FE;
    private static final int CACHED_LONGS = 4 * FE;

    private final long[] ta = create();
    private final long[] tb = create();
    private final long[] tc = create();
    private final long[] td = create();
    private final long[] te = create();
    private final long[] tf = create();
    private final long[] tg = create();
    private final long[] th = create();
    private final Cached cachedTmp = new Cached();
    private final Precomp precompTmp = new Precomp();
    private final long[] selected = new long[CACHED_LONGS];
    private final byte[] digits = new byte[64];

    // ---- field helpers ----

    private static long[] fe(BigInteger v) {
        long[] r = create();
        Field25519.decode(littleEndian(v), 0, r);
        return r;
    }

    private static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    private static BigInteger sqrt(BigInteger u) {
        BigInteger r = u.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!r.multiply(r).mod(P).equals(u)) {
            r = r.multiply(BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P)).mod(P);
        }
        return r;
    }

    // ---- group operations ----

    /** r = 2p; {@code withT} computes r.t too (needed only if an addition follows). r may be p. */
    void dbl(Point p, Point r, boolean withT) {
        sqr(p.x, ta);                 // A = X^2
        sqr(p.y, tb);                 // B = Y^2
        sqr(p.z, tc);
        add(tc, tc, tc);              // C = 2 Z^2
        add(p.x, p.y, td);
        sqr(td, td);                  // (X+Y)^2
        add(ta, tb, th);              // H = A + B
        sub(th, td, te);              // E' = H - (X+Y)^2: limbs below 2^52 + 2^16 + 2p's, mul-safe
        sub(ta, tb, tg);              // G' = A - B
        add(tc, tg, tf);              // F' = C + G': below 2 (2^51 + 2^15) + 2^51 + 2^15 + 2^52, mul-safe
        mul(te, tf, r.x);
        mul(tg, th, r.y);
        mul(tf, tg, r.z);
        if (withT) {
            mul(te, th, r.t);
        }
    }

    /** r = p + q (or p - q when {@code negate}); r may be p. */
    void addCached(Point p, Cached q, Point r, boolean withT) {
        add(p.y, p.x, tb);
        sub(p.y, p.x, ta);
        mul(ta, q.ymx, ta);           // A = (Y1-X1)(Y2-X2)
        mul(tb, q.ypx, tb);           // B = (Y1+X1)(Y2+X2)
        mul(p.t, q.t2d, tc);          // C = T1 2d T2
        mul(p.z, q.z2, td);           // D = Z1 2 Z2
        finishAdd(r, withT);
    }

    /** r = p + q for an affine q; r may be p. */
    void addPrecomp(Point p, Precomp q, Point r, boolean withT) {
        add(p.y, p.x, tb);
        sub(p.y, p.x, ta);
        mul(ta, q.ymx, ta);
        mul(tb, q.ypx, tb);
        mul(p.t, q.xy2d, tc);
        add(p.z, p.z, td);            // D = 2 Z1 (Z2 = 1)
        finishAdd(r, withT);
    }

    private void finishAdd(Point r, boolean withT) {
        sub(tb, ta, te);              // E = B - A
        sub(td, tc, tf);              // F = D - C: D is a product or 2 Z1, so below 2^53 + 2^16, mul-safe
        add(td, tc, tg);              // G = D + C
        add(tb, ta, th);              // H = B + A
        mul(te, tf, r.x);
        mul(tg, th, r.y);
        mul(tf, tg, r.z);
        if (withT) {
            mul(te, th, r.t);
        }
    }

    void toCached(Point p, Cached r) {
        add(p.y, p.x, r.ypx);
        carry(r.ypx);
        sub(p.y, p.x, r.ymx);
        carry(r.ymx);
        add(p.z, p.z, r.z2);
        carry(r.z2);
        mul(p.t, D2, r.t2d);
    }

    /** dst = src when mask is all ones, unchanged when it is 0 (constant time). */
    static void cmovPoint(long mask, Point src, Point dst) {
        cmov(mask, src.x, dst.x);
        cmov(mask, src.y, dst.y);
        cmov(mask, src.z, dst.z);
        cmov(mask, src.t, dst.t);
    }

    /** Negates a cached point in place when {@code negate} is 1 (constant time). */
    static void cnegateCached(int negate, Cached c) {
        cswap(negate, c.ypx, c.ymx);
        cnegate(negate, c.t2d);
    }

    private static void cnegatePrecomp(int negate, Precomp c) {
        cswap(negate, c.ypx, c.ymx);
        cnegate(negate, c.xy2d);
    }

    /** All-ones if a == b, else 0, without branching. */
    private static int eqMask(int a, int b) {
        int d = a ^ b;
        return ((d | -d) >> 31) ^ -1;
    }

    // ---- scalars ----

    /**
     * A secret scalar s = 8r with r uniform in [0, 2^252): a multiple of the cofactor, so s times any
     * curve point lies in the prime-order subgroup; s mod the group order is within 2^-127 of uniform.
     */
    static byte[] randomScalar(Prg prg) {
        byte[] r = prg.nextBytes(SCALAR_BYTES);
        r[31] &= 0x0f;
        int carryBits = 0;
        for (int i = 0; i < SCALAR_BYTES; i++) {
            int v = r[i] & 0xff;
            r[i] = (byte) ((v << 3) | carryBits);
            carryBits = v >>> 5;
        }
        return r;
    }

    /** Signed radix-16 digits of a scalar below 2^255: s = sum e[i] 16^i with e[i] in [-8, 8]. */
    private void recode(byte[] scalar) {
        if ((scalar[31] & 0x80) != 0) {
            throw new IllegalArgumentException("scalar must be below 2^255");
        }
        for (int i = 0; i < 32; i++) {
            digits[2 * i] = (byte) (scalar[i] & 15);
            digits[2 * i + 1] = (byte) ((scalar[i] >>> 4) & 15);
        }
        int c = 0;
        for (int i = 0; i < 63; i++) {
            digits[i] += c;
            c = (digits[i] + 8) >> 4;
            digits[i] -= c << 4;
        }
        digits[63] += c;
    }

    // ---- scalar multiplication ----

    /** r = scalar * p for any point p (scalar below 2^255); constant-time in the scalar. */
    void scalarMult(byte[] scalar, Point p, Point r) {
        // j * p for j = 1..8, cached, flat: entry j-1 at 20 * (j-1)
        long[] table = new long[8 * CACHED_LONGS];
        Point acc = new Point();
        Cached c = cachedTmp;
        toCached(p, c);
        putCached(c, table, 0);
        Cached p1 = new Cached();
        toCached(p, p1);
        for (int j = 2; j <= 8; j++) {
            if (j == 2) {
                dbl(p, acc, true);
            } else {
                addCached(acc, p1, acc, true);
            }
            toCached(acc, c);
            putCached(c, table, (j - 1) * CACHED_LONGS);
        }
        recode(scalar);
        r.setIdentity();
        for (int i = 63; i >= 0; i--) {
            if (i != 63) {
                dbl(r, r, false);
                dbl(r, r, false);
                dbl(r, r, false);
                dbl(r, r, true);
            }
            selectCached(table, digits[i], cachedTmp);
            addCached(r, cachedTmp, r, i == 0); // doublings follow, which do not read T
        }
    }

    private static void putCached(Cached c, long[] table, int off) {
        put(c.ypx, table, off);
        put(c.ymx, table, off + FE);
        put(c.z2, table, off + 2 * FE);
        put(c.t2d, table, off + 3 * FE);
    }

    private static void put(long[] fe, long[] dst, int off) {
        System.arraycopy(fe, 0, dst, off, FE);
    }

    private static void get(long[] src, int off, long[] fe) {
        System.arraycopy(src, off, fe, 0, FE);
    }

    /** Scans all 8 entries (constant time) for |digit|, or the identity for 0, then negates if digit < 0. */
    private void selectCached(long[] table, int digit, Cached out) {
        int sign = (digit >>> 31) & 1;
        int abs = (digit ^ -sign) + sign;
        long[] s = selected;
        java.util.Arrays.fill(s, 0);
        s[0] = 1;           // Y+X = 1
        s[FE] = 1;          // Y-X = 1
        s[2 * FE] = 2;      // 2Z = 2
        for (int j = 1; j <= 8; j++) {
            long m = eqMask(abs, j);
            int o = (j - 1) * CACHED_LONGS;
            for (int i = 0; i < CACHED_LONGS; i++) {
                s[i] ^= (table[o + i] ^ s[i]) & m;
            }
        }
        get(s, 0, out.ypx);
        get(s, FE, out.ymx);
        get(s, 2 * FE, out.z2);
        get(s, 3 * FE, out.t2d);
        cnegateCached(sign, out);
    }

    /** The table for multiplying {@code p} by many scalars with {@link #mulFixed}. */
    FixedBase precompute(Point p) {
        Point[] pts = new Point[32 * 8];
        Point q = new Point();
        q.set(p);
        Cached qc = new Cached();
        for (int i = 0; i < 32; i++) {
            toCached(q, qc);
            Point m = new Point();
            m.set(q);
            pts[8 * i] = m;
            for (int j = 1; j < 8; j++) {
                Point next = new Point();
                addCached(pts[8 * i + j - 1], qc, next, true);
                pts[8 * i + j] = next;
            }
            if (i < 31) {
                for (int k = 0; k < 8; k++) {
                    dbl(q, q, k == 7);
                }
            }
        }
        long[][] xs = new long[pts.length][];
        long[][] ys = new long[pts.length][];
        toAffine(pts, pts.length, xs, ys);
        FixedBase table = new FixedBase();
        Precomp e = new Precomp();
        for (int k = 0; k < pts.length; k++) {
            add(ys[k], xs[k], e.ypx);
            carry(e.ypx);
            sub(ys[k], xs[k], e.ymx);
            carry(e.ymx);
            mul(xs[k], ys[k], e.xy2d);
            mul(e.xy2d, D2, e.xy2d);
            int o = k * PRECOMP_LONGS;
            put(e.ypx, table.flat, o);
            put(e.ymx, table.flat, o + FE);
            put(e.xy2d, table.flat, o + 2 * FE);
        }
        return table;
    }

    /** r = scalar * P where {@code table} was computed for P; constant-time in the scalar. */
    void mulFixed(FixedBase table, byte[] scalar, Point r) {
        recode(scalar);
        r.setIdentity();
        for (int i = 1; i < 64; i += 2) {
            selectPrecomp(table, i >>> 1, digits[i], precompTmp);
            addPrecomp(r, precompTmp, r, i != 63); // the last is followed by doublings
        }
        dbl(r, r, false);
        dbl(r, r, false);
        dbl(r, r, false);
        dbl(r, r, true);
        for (int i = 0; i < 64; i += 2) {
            selectPrecomp(table, i >>> 1, digits[i], precompTmp);
            addPrecomp(r, precompTmp, r, true);
        }
    }

    private void selectPrecomp(FixedBase table, int row, int digit, Precomp out) {
        int sign = (digit >>> 31) & 1;
        int abs = (digit ^ -sign) + sign;
        long[] s = selected;
        java.util.Arrays.fill(s, 0, PRECOMP_LONGS, 0);
        s[0] = 1;          // y+x = 1
        s[FE] = 1;         // y-x = 1
        long[] flat = table.flat;
        int base = row * 8 * PRECOMP_LONGS;
        for (int j = 1; j <= 8; j++) {
            long m = eqMask(abs, j);
            int o = base + (j - 1) * PRECOMP_LONGS;
            for (int i = 0; i < PRECOMP_LONGS; i++) {
                s[i] ^= (flat[o + i] ^ s[i]) & m;
            }
        }
        get(s, 0, out.ypx);
        get(s, FE, out.ymx);
        get(s, 2 * FE, out.xy2d);
        cnegatePrecomp(sign, out);
    }

    /** r = scalar * G for the standard base point G. */
    void mulBase(byte[] scalar, Point r) {
        mulFixed(baseTable(), scalar, r);
    }

    private FixedBase baseTable() {
        FixedBase t = baseTable;
        if (t == null) {
            synchronized (Edwards25519.class) {
                t = baseTable;
                if (t == null) {
                    t = precompute(base());
                    baseTable = t;
                }
            }
        }
        return t;
    }

    static Point base() {
        Point g = new Point();
        copy(BASE_X, g.x);
        copy(BASE_Y, g.y);
        one(g.z);
        mul(g.x, g.y, g.t);
        return g;
    }

    // ---- checks, affine form, encoding ----

    boolean isIdentity(Point p) {
        copy(p.x, ta);
        normalize(ta);
        sub(p.y, p.z, tb);
        normalize(tb);
        return (isZero(ta) & isZero(tb)) != 0;
    }

    /** Whether p has order exactly the prime group order (public points only: not constant time). */
    boolean isInPrimeOrderSubgroup(Point p) {
        if (isIdentity(p)) {
            return false;
        }
        Point q = new Point();
        scalarMult(ORDER_BYTES, p, q);
        return isIdentity(q);
    }

    /**
     * Affine coordinates of the first {@code n} points, with one field inversion for all
     * (Montgomery's trick); xs[i] and ys[i] are reduced to canonical form.
     */
    void toAffine(Point[] pts, int n, long[][] xs, long[][] ys) {
        long[][] prefix = new long[n][];
        long[] acc = create();
        one(acc);
        for (int i = 0; i < n; i++) {
            mul(acc, pts[i].z, acc);
            prefix[i] = acc.clone();
        }
        long[] invAcc = create();
        inv(acc, invAcc);
        long[] zi = create();
        for (int i = n - 1; i >= 0; i--) {
            if (i > 0) {
                mul(invAcc, prefix[i - 1], zi);      // 1/z_i
                mul(invAcc, pts[i].z, invAcc);      // 1/(z_0 ... z_{i-1})
            } else {
                copy(invAcc, zi);
            }
            long[] x = create();
            long[] y = create();
            mul(pts[i].x, zi, x);
            mul(pts[i].y, zi, y);
            normalize(x);
            normalize(y);
            xs[i] = x;
            ys[i] = y;
        }
    }

    /** Writes the canonical affine encoding (x then y, 32 bytes little-endian each) of {@code n} points. */
    void encode(Point[] pts, int n, byte[] out, int off) {
        long[][] xs = new long[n][];
        long[][] ys = new long[n][];
        toAffine(pts, n, xs, ys);
        for (int i = 0; i < n; i++) {
            Field25519.encode(xs[i], out, off + POINT_BYTES * i);
            Field25519.encode(ys[i], out, off + POINT_BYTES * i + 32);
        }
    }

    byte[] encode(Point p) {
        byte[] out = new byte[POINT_BYTES];
        encode(new Point[] {p}, 1, out, 0);
        return out;
    }

    /**
     * Decodes an affine point, or returns null if either coordinate is not canonical (at least p,
     * or bit 255 set) or the point is not on the curve.
     */
    Point decode(byte[] in, int off) {
        if (!canonical(in, off) || !canonical(in, off + 32)) {
            return null;
        }
        Point p = new Point();
        Field25519.decode(in, off, p.x);      // bit 255 ignored: checked above
        Field25519.decode(in, off + 32, p.y);
        one(p.z);
        // -x^2 + y^2 == 1 + d x^2 y^2, with D2 = 2d: compare 2(y^2 - x^2) with 2 + 2d x^2 y^2
        sqr(p.x, ta);
        sqr(p.y, tb);
        sub(tb, ta, tc);
        add(tc, tc, tc);
        mul(ta, tb, td);
        mul(td, D2, td);
        td[0] += 2;
        normalize(tc);
        normalize(td);
        if (areEqual(tc, td) == 0) {
            return null;
        }
        mul(p.x, p.y, p.t);
        return p;
    }

    /** Whether 32 little-endian bytes are a value below 2^255 - 19. */
    private static boolean canonical(byte[] b, int off) {
        if ((b[off + 31] & 0x80) != 0) {
            return false;
        }
        if ((b[off + 31] & 0xff) != 0x7f) {
            return true;
        }
        for (int i = 30; i >= 1; i--) {
            if ((b[off + i] & 0xff) != 0xff) {
                return true;
            }
        }
        return (b[off] & 0xff) < 0xed;
    }
}
