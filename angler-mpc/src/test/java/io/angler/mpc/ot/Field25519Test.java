package io.angler.mpc.ot;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Field25519} against BigInteger arithmetic mod p, with inputs at the bounds it documents. */
class Field25519Test {
    private static final BigInteger P = Edwards25519.P;
    private static final BigInteger TWO_255 = BigInteger.ONE.shiftLeft(255);
    private static final long LIMB = 1L << 51;
    /** What the class calls reduced: every limb below this. */
    private static final long REDUCED = LIMB + (1L << 15);

    private final SplittableRandom rnd = new SplittableRandom(20250251);

    /** The integer the limbs stand for (not reduced mod p). */
    private static BigInteger value(long[] x) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 4; i >= 0; i--) {
            v = v.shiftLeft(51).add(BigInteger.valueOf(x[i]));
        }
        return v;
    }

    /** Limbs of v (below 2^255), each below 2^51. */
    private static long[] limbs(BigInteger v) {
        long[] x = Field25519.create();
        for (int i = 0; i < 5; i++) {
            x[i] = v.shiftRight(51 * i).longValue() & (LIMB - 1);
        }
        return x;
    }

    private static byte[] le(BigInteger v) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = (byte) v.shiftRight(8 * i).intValue();
        }
        return out;
    }

    private static BigInteger fromLe(byte[] b) {
        BigInteger v = BigInteger.ZERO;
        for (int i = 31; i >= 0; i--) {
            v = v.shiftLeft(8).or(BigInteger.valueOf(b[i] & 0xff));
        }
        return v;
    }

    private static BigInteger mod(long[] x) {
        return value(x).mod(P);
    }

    private static void assertReduced(long[] x) {
        for (long l : x) {
            assertThat(l).isBetween(0L, REDUCED - 1);
        }
    }

    private static void assertCanonical(long[] x, BigInteger expected) {
        for (long l : x) {
            assertThat(l).isBetween(0L, LIMB - 1);
        }
        assertThat(value(x)).isEqualTo(expected.mod(P));
    }

    /** Values below 2^255 that sit at the edges: 0, 1, p-1, p, p+1, 2^255-1, limbs all ones, ... */
    private static List<BigInteger> edgeValues() {
        List<BigInteger> v = new ArrayList<>();
        for (long small : new long[] {0, 1, 2, 18, 19, 20}) {
            v.add(BigInteger.valueOf(small));
            v.add(P.subtract(BigInteger.valueOf(small)));
            v.add(P.add(BigInteger.valueOf(small)).min(TWO_255.subtract(BigInteger.ONE)));
        }
        v.add(TWO_255.subtract(BigInteger.ONE));
        for (int i = 0; i < 5; i++) {
            v.add(BigInteger.ONE.shiftLeft(51 * i));
            v.add(BigInteger.ONE.shiftLeft(51 * i + 50));
            v.add(BigInteger.ONE.shiftLeft(51 * (i + 1)).subtract(BigInteger.ONE));
        }
        v.add(BigInteger.ONE.shiftLeft(254));
        return v;
    }

    private BigInteger randomBelow2to255() {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        b[31] &= 0x7f;
        return fromLe(b);
    }

    /** A random element whose limbs are random below {@code bound} (not necessarily a small value). */
    private long[] randomLimbs(long bound) {
        long[] x = Field25519.create();
        for (int i = 0; i < 5; i++) {
            x[i] = rnd.nextLong(bound);
        }
        return x;
    }

    /** Limbs near the top of [0, bound): the worst case for carries. */
    private long[] topLimbs(long bound) {
        long[] x = Field25519.create();
        for (int i = 0; i < 5; i++) {
            x[i] = bound - 1 - rnd.nextLong(16);
        }
        return x;
    }

    @Test
    void decodeAndEncodeRoundTripWithNonCanonicalInputsReduced() {
        List<BigInteger> values = edgeValues();
        for (int i = 0; i < 200; i++) {
            values.add(randomBelow2to255());
        }
        for (BigInteger v : values) {
            byte[] in = le(v);
            long[] x = Field25519.create();
            Field25519.decode(in, 0, x);
            assertThat(value(x)).as("decode %s", v).isEqualTo(v); // exact, before any reduction
            assertReduced(x);
            byte[] out = new byte[32];
            Field25519.encode(x, out, 0);
            assertThat(fromLe(out)).as("encode %s", v).isEqualTo(v.mod(P));
            assertThat(value(x)).as("encode leaves its input alone").isEqualTo(v);

            in[31] |= (byte) 0x80; // bit 255 is ignored
            Field25519.decode(in, 0, x);
            assertThat(value(x)).isEqualTo(v);
        }
        byte[] buf = new byte[40];
        long[] x = limbs(P.subtract(BigInteger.TWO));
        Field25519.encode(x, buf, 5);
        long[] y = Field25519.create();
        Field25519.decode(buf, 5, y);
        assertThat(value(y)).isEqualTo(P.subtract(BigInteger.TWO));
        assertThat(buf[4]).isZero();
        assertThat(buf[37]).isZero();
    }

    @Test
    void normalizeGivesTheCanonicalValueForAnyLimbsBelowTheCarryBound() {
        List<long[]> inputs = new ArrayList<>();
        for (BigInteger v : edgeValues()) {
            inputs.add(limbs(v));
        }
        // p and 2p written with non-canonical limbs, and values just below/above multiples of p
        inputs.add(new long[] {LIMB - 19 + LIMB, LIMB - 2, LIMB - 1, LIMB - 1, LIMB - 1});
        inputs.add(new long[] {2 * (LIMB - 19), 2 * (LIMB - 1), 2 * (LIMB - 1), 2 * (LIMB - 1), 2 * (LIMB - 1)});
        inputs.add(new long[] {LIMB - 19, LIMB, LIMB - 1, LIMB - 1, LIMB - 2});
        for (int i = 0; i < 300; i++) {
            inputs.add(randomLimbs(1L << (51 + rnd.nextInt(12))));
            inputs.add(topLimbs(1L << (51 + rnd.nextInt(12))));
        }
        for (long[] in : inputs) {
            BigInteger expected = value(in);
            long[] x = in.clone();
            Field25519.normalize(x);
            assertCanonical(x, expected);
            long[] c = in.clone();
            Field25519.carry(c);
            assertReduced(c);
            assertThat(mod(c)).isEqualTo(expected.mod(P));
        }
    }

    @Test
    void mulAndSqrMatchTheOracleUpToTheMulBound() {
        List<long[]> inputs = new ArrayList<>();
        for (BigInteger v : edgeValues()) {
            inputs.add(limbs(v));
        }
        long bound = Field25519.MUL_BOUND;
        inputs.add(new long[] {bound - 1, bound - 1, bound - 1, bound - 1, bound - 1});
        inputs.add(new long[] {bound - 1, 0, bound - 1, 0, bound - 1});
        inputs.add(new long[] {0, 0, 0, 0, bound - 1});
        for (int i = 0; i < 100; i++) {
            inputs.add(randomLimbs(REDUCED));
            inputs.add(randomLimbs(bound));
            inputs.add(topLimbs(bound));
        }
        long[] z = Field25519.create();
        for (int i = 0; i < inputs.size(); i++) {
            long[] x = inputs.get(i);
            long[] y = inputs.get((i * 7 + 3) % inputs.size());
            Field25519.mul(x, y, z);
            assertReduced(z);
            assertThat(mod(z)).isEqualTo(value(x).multiply(value(y)).mod(P));
            Field25519.sqr(x, z);
            assertReduced(z);
            assertThat(mod(z)).isEqualTo(value(x).pow(2).mod(P));
            // in place, both operands the output
            long[] w = x.clone();
            Field25519.mul(w, w, w);
            assertThat(value(w)).isEqualTo(value(z));
        }
    }

    @Test
    void addAndSubAtTheirBounds() {
        for (int i = 0; i < 300; i++) {
            long[] a = i % 2 == 0 ? randomLimbs(REDUCED) : topLimbs(REDUCED);
            long[] b = i % 3 == 0 ? randomLimbs(REDUCED) : topLimbs(REDUCED);
            long[] s = Field25519.create();
            Field25519.add(a, b, s);
            assertThat(mod(s)).isEqualTo(value(a).add(value(b)).mod(P));
            // the largest minuend the class allows into mul after a sub: a sum of two reduced values
            long[] d = Field25519.create();
            Field25519.sub(s, b, d);
            for (long l : d) {
                assertThat(l).isBetween(0L, Field25519.MUL_BOUND - 1);
            }
            assertThat(mod(d)).isEqualTo(value(a).mod(P));
            Field25519.sub(b, a, d);
            assertThat(mod(d)).isEqualTo(value(b).subtract(value(a)).mod(P));
            // zero minus the largest reduced subtrahend stays non-negative
            long[] zero = Field25519.create();
            long[] top = {REDUCED - 1, REDUCED - 1, REDUCED - 1, REDUCED - 1, REDUCED - 1};
            Field25519.sub(zero, top, d);
            for (long l : d) {
                assertThat(l).isNotNegative();
            }
            assertThat(mod(d)).isEqualTo(value(top).negate().mod(P));
        }
    }

    /**
     * The patterns Edwards25519's doubling and addition use, with every input at the top of the
     * reduced range: E = (A + B) - (X + Y)^2, F = carry(2 Z^2 + (A - B)), then products of them.
     */
    @Test
    void chainsOfTheCurveFormulasStayInBounds() {
        for (int i = 0; i < 300; i++) {
            long[] x = i % 2 == 0 ? topLimbs(REDUCED) : randomLimbs(REDUCED);
            long[] y = topLimbs(REDUCED);
            long[] zz = i % 3 == 0 ? topLimbs(REDUCED) : randomLimbs(REDUCED);
            BigInteger bx = value(x);
            BigInteger by = value(y);
            BigInteger bz = value(zz);
            long[] a = Field25519.create();
            long[] b = Field25519.create();
            long[] c = Field25519.create();
            long[] t = Field25519.create();
            long[] h = Field25519.create();
            long[] e = Field25519.create();
            long[] g = Field25519.create();
            long[] f = Field25519.create();
            long[] r = Field25519.create();
            Field25519.sqr(x, a);
            Field25519.sqr(y, b);
            Field25519.sqr(zz, c);
            Field25519.add(c, c, c);
            Field25519.add(x, y, t);
            Field25519.sqr(t, t);
            Field25519.add(a, b, h);
            Field25519.sub(h, t, e);
            Field25519.sub(a, b, g);
            Field25519.add(c, g, f);
            Field25519.carry(f);
            for (long[] v : new long[][] {e, g, h, f}) {
                for (long l : v) {
                    assertThat(l).isBetween(0L, Field25519.MUL_BOUND - 1);
                }
            }
            BigInteger ba = bx.pow(2);
            BigInteger bb = by.pow(2);
            BigInteger be = ba.add(bb).subtract(bx.add(by).pow(2));
            BigInteger bg = ba.subtract(bb);
            BigInteger bf = bz.pow(2).shiftLeft(1).add(bg);
            Field25519.mul(e, f, r);
            assertThat(mod(r)).isEqualTo(be.multiply(bf).mod(P));
            Field25519.mul(g, h, r);
            assertThat(mod(r)).isEqualTo(bg.multiply(ba.add(bb)).mod(P));
            // the mixed addition: F = 2 Z - C with C a product, then F * (D + C)
            Field25519.add(zz, zz, t);
            Field25519.sub(t, a, f);
            Field25519.add(t, a, g);
            Field25519.mul(f, g, r);
            assertThat(mod(r)).isEqualTo(bz.shiftLeft(1).subtract(ba).multiply(bz.shiftLeft(1).add(ba)).mod(P));
        }
    }

    @Test
    void longRandomChainsAgreeWithTheOracle() {
        long[] acc = limbs(BigInteger.valueOf(3));
        BigInteger oracle = BigInteger.valueOf(3);
        long[] v = Field25519.create();
        long[] t = Field25519.create();
        for (int i = 0; i < 5000; i++) {
            BigInteger r = randomBelow2to255();
            Field25519.decode(le(r), 0, v);
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    Field25519.add(acc, v, t);
                    Field25519.mul(t, v, acc);
                    oracle = oracle.add(r).multiply(r);
                }
                case 1 -> {
                    Field25519.sub(acc, v, t);
                    Field25519.sqr(t, acc);
                    oracle = oracle.subtract(r).pow(2);
                }
                case 2 -> {
                    Field25519.add(acc, acc, t);
                    Field25519.add(t, v, t);
                    Field25519.add(t, v, t);
                    Field25519.mul(t, t, acc); // three terms plus: still mul-safe
                    oracle = oracle.shiftLeft(1).add(r).add(r).pow(2);
                }
                case 3 -> {
                    Field25519.cnegate(1, acc);
                    Field25519.mul(acc, v, acc);
                    oracle = oracle.negate().multiply(r);
                }
                default -> {
                    Field25519.sqr(acc, acc);
                    oracle = oracle.pow(2);
                }
            }
            oracle = oracle.mod(P);
            assertReduced(acc);
            assertThat(mod(acc)).isEqualTo(oracle);
        }
    }

    @Test
    void inverseMatchesModInverse() {
        List<BigInteger> values = edgeValues();
        for (int i = 0; i < 20; i++) {
            values.add(randomBelow2to255());
        }
        long[] z = Field25519.create();
        long[] check = Field25519.create();
        for (BigInteger v : values) {
            long[] x = limbs(v);
            Field25519.inv(x, z);
            assertReduced(z);
            if (v.mod(P).signum() == 0) {
                assertThat(mod(z)).isZero();
                continue;
            }
            assertThat(mod(z)).isEqualTo(v.modInverse(P));
            Field25519.mul(x, z, check);
            Field25519.normalize(check);
            assertCanonical(check, BigInteger.ONE);
        }
        long[] top = topLimbs(Field25519.MUL_BOUND);
        Field25519.inv(top, z);
        assertThat(mod(z)).isEqualTo(value(top).modInverse(P));
    }

    @Test
    void constantTimeSelectionSwapAndNegation() {
        long[] a = randomLimbs(REDUCED);
        long[] b = randomLimbs(REDUCED);
        long[] z = b.clone();
        Field25519.cmov(0, a, z);
        assertThat(z).isEqualTo(b);
        Field25519.cmov(-1L, a, z);
        assertThat(z).isEqualTo(a);

        long[] x = a.clone();
        long[] y = b.clone();
        Field25519.cswap(0, x, y);
        assertThat(x).isEqualTo(a);
        assertThat(y).isEqualTo(b);
        Field25519.cswap(1, x, y);
        assertThat(x).isEqualTo(b);
        assertThat(y).isEqualTo(a);

        for (long[] v : new long[][] {a, topLimbs(REDUCED), limbs(BigInteger.ZERO), limbs(P)}) {
            long[] n = v.clone();
            Field25519.cnegate(0, n); // carried either way, so compare values
            assertReduced(n);
            assertThat(mod(n)).isEqualTo(value(v).mod(P));
            Field25519.cnegate(1, n);
            assertReduced(n);
            assertThat(mod(n)).isEqualTo(value(v).negate().mod(P));
        }
    }

    @Test
    void zeroOneEqualityAndCopy() {
        long[] z = randomLimbs(REDUCED);
        Field25519.zero(z);
        assertThat(Field25519.isZero(z)).isEqualTo(1);
        Field25519.one(z);
        assertThat(Field25519.isZero(z)).isZero();
        assertThat(value(z)).isEqualTo(BigInteger.ONE);
        for (int i = 0; i < 5; i++) {
            long[] single = Field25519.create();
            single[i] = 1L << 50;
            assertThat(Field25519.isZero(single)).as("limb %d", i).isZero();
        }
        long[] p = limbs(P);
        Field25519.normalize(p);
        assertThat(Field25519.isZero(p)).isEqualTo(1);

        long[] a = randomLimbs(LIMB);
        long[] b = Field25519.create();
        Field25519.copy(a, b);
        assertThat(Field25519.areEqual(a, b)).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            long[] c = a.clone();
            c[i] ^= 1L << rnd.nextInt(51);
            assertThat(Field25519.areEqual(a, c)).as("limb %d", i).isZero();
        }
    }
}
