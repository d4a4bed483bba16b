package io.angler.mpc.ot;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.crypto.Prg;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Edwards25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger P = Edwards25519.P;
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);

    /** Textbook affine arithmetic on BigInteger: the oracle. */
    private static BigInteger[] oracleAdd(BigInteger[] a, BigInteger[] b) {
        BigInteger x1 = a[0], y1 = a[1], x2 = b[0], y2 = b[1];
        BigInteger k = D.multiply(x1).multiply(x2).multiply(y1).multiply(y2).mod(P);
        BigInteger x3 = x1.multiply(y2).add(y1.multiply(x2)).multiply(BigInteger.ONE.add(k).modInverse(P)).mod(P);
        BigInteger y3 = y1.multiply(y2).add(x1.multiply(x2)).multiply(BigInteger.ONE.subtract(k).mod(P).modInverse(P)).mod(P);
        return new BigInteger[] {x3, y3};
    }

    private static BigInteger[] oracleMul(BigInteger s, BigInteger[] p) {
        BigInteger[] r = {BigInteger.ZERO, BigInteger.ONE};
        for (int i = s.bitLength() - 1; i >= 0; i--) {
            r = oracleAdd(r, r);
            if (s.testBit(i)) {
                r = oracleAdd(r, p);
            }
        }
        return r;
    }

    private static BigInteger[] affine(Edwards25519 c, Edwards25519.Point p) {
        byte[] enc = c.encode(p);
        return new BigInteger[] {le(enc, 0), le(enc, 32)};
    }

    private static BigInteger le(byte[] b, int off) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = b[off + 31 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] scalarBytes(BigInteger s) {
        byte[] out = new byte[32];
        byte[] be = s.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    /** RFC 8032's compressed form: y with the parity of x in bit 255. */
    private static String compress(Edwards25519 c, Edwards25519.Point p) {
        byte[] enc = c.encode(p);
        byte[] out = new byte[32];
        System.arraycopy(enc, 32, out, 0, 32);
        out[31] |= (byte) ((enc[0] & 1) << 7);
        return HEX.formatHex(out);
    }

    @Test
    void baseMultiplicationMatchesRfc8032() throws Exception {
        Edwards25519 c = new Edwards25519();
        assertThat(compress(c, Edwards25519.base()))
                .isEqualTo("5866666666666666666666666666666666666666666666666666666666666666");
        byte[] h = MessageDigest.getInstance("SHA-512")
                .digest(HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        byte[] s = java.util.Arrays.copyOf(h, 32);
        s[0] &= (byte) 248;
        s[31] &= 127;
        s[31] |= 64;
        Edwards25519.Point a = new Edwards25519.Point();
        c.mulBase(s, a);
        assertThat(compress(c, a)).isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    }

    @Test
    void fixedAndVariableBaseMultiplicationAgreeWithTheOracle() {
        Edwards25519 c = new Edwards25519();
        Prg prg = Prg.fromSeed(3, 4);
        BigInteger[] g = affine(c, Edwards25519.base());
        for (int round = 0; round < 12; round++) {
            byte[] s = round == 0 ? new byte[32] : Edwards25519.randomScalar(prg);
            if (round == 1) {
                java.util.Arrays.fill(s, (byte) 0xff);
                s[31] = 0x7f; // the largest scalar accepted, 2^255 - 1
            }
            BigInteger sv = le(s, 0);
            if (round > 1) {
                assertThat(sv.mod(BigInteger.valueOf(8))).isZero();
            }
            BigInteger[] expected = oracleMul(sv, g);
            Edwards25519.Point r = new Edwards25519.Point();
            c.mulBase(s, r);
            assertThat(affine(c, r)).containsExactly(expected);
            c.scalarMult(s, Edwards25519.base(), r);
            assertThat(affine(c, r)).containsExactly(expected);

            // another point, through its own fixed-base table
            Edwards25519.Point q = new Edwards25519.Point();
            byte[] k = scalarBytes(BigInteger.valueOf(1000 + round));
            c.mulBase(k, q);
            BigInteger[] qa = affine(c, q);
            c.mulFixed(c.precompute(q), s, r);
            assertThat(affine(c, r)).containsExactly(oracleMul(sv, qa));
        }
    }

    /** Fixed-base (additions only) and variable-base (mostly doublings) agree on many random scalars. */
    @Test
    void theTwoMultiplicationPathsAgreeOnManyScalars() {
        Edwards25519 c = new Edwards25519();
        Prg prg = Prg.fromSeed(11, 12);
        Edwards25519.Point g = Edwards25519.base();
        Edwards25519.Point a = new Edwards25519.Point();
        Edwards25519.Point b = new Edwards25519.Point();
        for (int i = 0; i < 300; i++) {
            byte[] s = i % 2 == 0 ? Edwards25519.randomScalar(prg) : prg.nextBytes(32);
            s[31] &= 0x7f;
            c.mulBase(s, a);
            c.scalarMult(s, g, b);
            assertThat(c.encode(a)).as("scalar %d", i).isEqualTo(c.encode(b));
        }
    }

    @Test
    void groupOrderAndTorsionAreRecognised() {
        Edwards25519 c = new Edwards25519();
        Edwards25519.Point g = Edwards25519.base();
        assertThat(c.isInPrimeOrderSubgroup(g)).isTrue();
        Edwards25519.Point r = new Edwards25519.Point();
        c.scalarMult(scalarBytes(Edwards25519.ORDER), g, r);
        assertThat(c.isIdentity(r)).isTrue();
        assertThat(c.isIdentity(g)).isFalse();
        // (0, -1) has order 2: G + (0, -1) is on the curve but outside the prime-order subgroup
        byte[] t2 = new byte[64];
        byte[] minusOne = scalarBytes(P.subtract(BigInteger.ONE));
        System.arraycopy(minusOne, 0, t2, 32, 32);
        Edwards25519.Point torsion = c.decode(t2, 0);
        assertThat(torsion).isNotNull();
        assertThat(c.isInPrimeOrderSubgroup(torsion)).isFalse();
        Edwards25519.Cached tc = new Edwards25519.Cached();
        c.toCached(torsion, tc);
        Edwards25519.Point mixed = new Edwards25519.Point();
        c.addCached(g, tc, mixed, true);
        Edwards25519.Point reparsed = c.decode(c.encode(mixed), 0);
        assertThat(reparsed).isNotNull();
        assertThat(c.isInPrimeOrderSubgroup(reparsed)).isFalse();
        // a multiple of 8 removes the torsion: 8 * (G + T) = 8 G
        Edwards25519.Point a = new Edwards25519.Point();
        Edwards25519.Point b = new Edwards25519.Point();
        c.scalarMult(scalarBytes(BigInteger.valueOf(8)), reparsed, a);
        c.scalarMult(scalarBytes(BigInteger.valueOf(8)), g, b);
        assertThat(c.encode(a)).isEqualTo(c.encode(b));
    }

    @Test
    void decodingRejectsPointsOffTheCurveAndNonCanonicalCoordinates() {
        Edwards25519 c = new Edwards25519();
        byte[] g = c.encode(Edwards25519.base());
        assertThat(c.decode(g, 0)).isNotNull();
        byte[] off = g.clone();
        off[40] ^= 1;
        assertThat(c.decode(off, 0)).isNull();
        byte[] high = g.clone();
        high[31] |= (byte) 0x80;
        assertThat(c.decode(high, 0)).isNull();
        // y = p + 1 for the identity (0, 1): same value mod p, but not canonical
        byte[] identityAlias = new byte[64];
        System.arraycopy(scalarBytes(P.add(BigInteger.ONE)), 0, identityAlias, 32, 32); // y = p + 1
        assertThat(c.decode(identityAlias, 0)).isNull();
    }
}
