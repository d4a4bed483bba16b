package io.angler.mpc.circuit;

import java.util.function.IntUnaryOperator;

/**
 * GF(2^8) as the tower GF(((2^2)^2)^2), in the clear and as circuits: the AES S-box's inversion
 * costs 36 AND gates there (against hundreds for a square-and-multiply in the AES field).
 *
 * <p>GF(4) = GF(2)[w]/(w^2 + w + 1), an element {@code c1 w + c0} held as bits {@code (c1 c0)};
 * GF(16) = GF(4)[z]/(z^2 + z + NU) as {@code (b1 b0)} with b1 the high two bits; GF(256) =
 * GF(16)[y]/(y^2 + y + LAMBDA) as {@code (a1 a0)} with a1 the high four bits. The isomorphism with
 * the AES field GF(2)[x]/(x^8 + x^4 + x^3 + x + 1) maps x to a root {@code BETA} of the AES
 * polynomial in the tower; all three constants are found by search when the class loads, so every
 * table and linear map here is derived, not transcribed.
 *
 * <p>Inversion in a quadratic extension: for {@code a = a1 y + a0}, the norm
 * {@code d = a1^2 LAMBDA + a1 a0 + a0^2} lies in the subfield and {@code a^-1 = (a1 d^-1) y +
 * (a0 + a1) d^-1}; 0 maps to 0 as AES wants. Squaring and multiplying by constants are linear over
 * GF(2), so they cost XOR gates only; each GF(4) product costs 3 AND gates (Karatsuba).
 */
public final class TowerField {
    /** z^2 + z + NU is irreducible over GF(4): NU = w. */
    static final int NU = 2;
    static final int LAMBDA = findLambda();
    static final int BETA = findBeta();
    private static final int[] TO_TOWER = new int[256];
    private static final int[] FROM_TOWER = new int[256];

    static {
        for (int x = 0; x < 256; x++) {
            int t = 0;
            int power = 1; // BETA^i
            for (int i = 0; i < 8; i++) {
                if (((x >>> i) & 1) != 0) {
                    t ^= power;
                }
                power = mul256(power, BETA);
            }
            TO_TOWER[x] = t;
            FROM_TOWER[t] = x;
        }
    }

    private TowerField() {
    }

    // ---- in the clear ----

    static int mul4(int a, int b) {
        int a1 = a >>> 1;
        int a0 = a & 1;
        int b1 = b >>> 1;
        int b0 = b & 1;
        int p0 = a0 & b0;
        int t = (a1 ^ a0) & (b1 ^ b0);
        return ((t ^ p0) << 1) | ((a1 & b1) ^ p0);
    }

    static int mul16(int a, int b) {
        int p0 = mul4(a & 3, b & 3);
        int t = mul4((a >>> 2) ^ (a & 3), (b >>> 2) ^ (b & 3));
        return ((t ^ p0) << 2) | (mul4(mul4(a >>> 2, b >>> 2), NU) ^ p0);
    }

    static int mul256(int a, int b) {
        int p0 = mul16(a & 15, b & 15);
        int t = mul16((a >>> 4) ^ (a & 15), (b >>> 4) ^ (b & 15));
        return ((t ^ p0) << 4) | (mul16(mul16(a >>> 4, b >>> 4), LAMBDA) ^ p0);
    }

    /** The AES field element {@code x} in the tower basis. */
    static int toTower(int x) {
        return TO_TOWER[x];
    }

    static int fromTower(int t) {
        return FROM_TOWER[t];
    }

    private static int findLambda() {
        outer:
        for (int lambda = 1; lambda < 16; lambda++) {
            for (int t = 0; t < 16; t++) {
                if ((mul16(t, t) ^ t) == lambda) {
                    continue outer; // y^2 + y + lambda has the root t
                }
            }
            return lambda;
        }
        throw new IllegalStateException("no irreducible y^2 + y + lambda over GF(16)");
    }

    private static int findBeta() {
        for (int b = 2; b < 256; b++) {
            int[] pow = new int[9];
            pow[0] = 1;
            for (int i = 1; i <= 8; i++) {
                pow[i] = mul256(pow[i - 1], b);
            }
            if ((pow[8] ^ pow[4] ^ pow[3] ^ pow[1] ^ pow[0]) == 0) {
                return b;
            }
        }
        throw new IllegalStateException("the AES polynomial has no root in the tower field");
    }

    // ---- as circuits: elements are bit arrays, least significant bit first ----

    /**
     * A GF(2)-linear map as XOR gates: output bit i is the XOR of the input bits k for which bit i
     * of {@code map(1 << k)} is set.
     */
    static int[] linear(CircuitBuilder b, int[] in, IntUnaryOperator map, int outBits) {
        int[] r = new int[outBits];
        for (int i = 0; i < outBits; i++) {
            int acc = CircuitBuilder.ZERO;
            for (int k = 0; k < in.length; k++) {
                if (((map.applyAsInt(1 << k) >>> i) & 1) != 0) {
                    acc = b.xor(acc, in[k]);
                }
            }
            r[i] = acc;
        }
        return r;
    }

    private static int[] concat(int[] lo, int[] hi) {
        int[] r = new int[lo.length + hi.length];
        System.arraycopy(lo, 0, r, 0, lo.length);
        System.arraycopy(hi, 0, r, lo.length, hi.length);
        return r;
    }

    private static int[] lo(int[] a) {
        return java.util.Arrays.copyOfRange(a, 0, a.length / 2);
    }

    private static int[] hi(int[] a) {
        return java.util.Arrays.copyOfRange(a, a.length / 2, a.length);
    }

    /** GF(4) product, 3 AND gates. */
    static int[] mul4(CircuitBuilder b, int[] x, int[] y) {
        int p0 = b.and(x[0], y[0]);
        int t = b.and(b.xor(x[1], x[0]), b.xor(y[1], y[0]));
        int p1 = b.and(x[1], y[1]);
        return new int[] {b.xor(p1, p0), b.xor(t, p0)};
    }

    /** GF(16) product, 9 AND gates. */
    static int[] mul16(CircuitBuilder b, int[] x, int[] y) {
        int[] p0 = mul4(b, lo(x), lo(y));
        int[] t = mul4(b, b.xor(hi(x), lo(x)), b.xor(hi(y), lo(y)));
        int[] p1 = mul4(b, hi(x), hi(y));
        int[] p1nu = linear(b, p1, v -> mul4(v, NU), 2);
        return concat(b.xor(p1nu, p0), b.xor(t, p0));
    }

    /** GF(16) inverse (0 to 0), 9 AND gates. */
    static int[] inv16(CircuitBuilder b, int[] x) {
        int[] x1 = hi(x);
        int[] x0 = lo(x);
        int[] norm = b.xor(mul4(b, x1, x0),
                linear(b, x, v -> mul4(mul4(v >>> 2, v >>> 2), NU) ^ mul4(v & 3, v & 3), 2));
        int[] ni = linear(b, norm, v -> mul4(v, v), 2); // in GF(4) the inverse is the square
        return concat(mul4(b, b.xor(x0, x1), ni), mul4(b, x1, ni));
    }

    /** GF(256) inverse in the tower basis (0 to 0), 36 AND gates, AND depth 4. */
    static int[] inv256(CircuitBuilder b, int[] x) {
        int[] x1 = hi(x);
        int[] x0 = lo(x);
        int[] norm = b.xor(mul16(b, x1, x0),
                linear(b, x, v -> mul16(mul16(v >>> 4, v >>> 4), LAMBDA) ^ mul16(v & 15, v & 15), 4));
        int[] ni = inv16(b, norm);
        return concat(mul16(b, b.xor(x0, x1), ni), mul16(b, x1, ni));
    }
}
