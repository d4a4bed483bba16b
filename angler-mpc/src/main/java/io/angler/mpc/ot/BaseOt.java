package io.angler.mpc.ot;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Prg;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Chou–Orlandi "simplest OT" (Latincrypt 2015) on edwards25519, batched and in random-OT form:
 * the sender's messages are two keys per OT, the receiver learns the one it chose.
 *
 * <pre>
 * sender:   a random (a multiple of 8), A = aG                       -> A
 * receiver: checks A has prime order; per OT i: b_i random, B_i = b_i G + c_i A   -> B_1..B_n
 *           key_i = H(tr, i, B_i, b_i A)
 * sender:   per OT i: k0_i = H(tr, i, B_i, a B_i), k1_i = H(tr, i, B_i, a B_i - aA)
 * </pre>
 *
 * Known pitfalls and how they are handled: A must lie in the prime-order subgroup or a torsion
 * component of B_i would reveal c_i (checked: A has order exactly the group order); B_i may
 * carry torsion, which the cofactor-multiple scalar a removes; points are canonical and on the
 * curve or the batch aborts ({@code base-ot-point}); keys hash the transcript (both parties'
 * indices, A, the OT index and B_i), so repeating a B_i gives unrelated keys. Scalars are secret
 * and multiplied in constant time.
 */
final class BaseOt {
    private static final byte[] DOMAIN = "angler-co-ot-v1".getBytes(StandardCharsets.US_ASCII);

    private BaseOt() {
    }

    /** The sender's two keys per OT: k0 of OT i at {@code k0[2i..2i+1]}, likewise k1. */
    record Keys(long[] k0, long[] k1) {
    }

    /** The OT sender's side of one batch with one peer. */
    static final class Sender {
        private final int self;
        private final int peer;
        private final int count;
        private final Edwards25519 curve;
        private final byte[] a;
        private final byte[] aEnc;
        private final Edwards25519.Cached minusAA = new Edwards25519.Cached();

        Sender(int self, int peer, int count, Prg prg, Edwards25519 curve) {
            this.self = self;
            this.peer = peer;
            this.count = count;
            this.curve = curve;
            this.a = Edwards25519.randomScalar(prg);
            Edwards25519.Point big = new Edwards25519.Point();
            curve.mulBase(a, big);
            this.aEnc = curve.encode(big);
            // aA = (a^2 mod order) G, kept negated for the subtraction
            BigInteger av = new BigInteger(1, reverse(a));
            byte[] a2 = reverse(toBytes32(av.multiply(av).mod(Edwards25519.ORDER)));
            Edwards25519.Point aa = new Edwards25519.Point();
            curve.mulBase(a2, aa);
            curve.toCached(aa, minusAA);
            Edwards25519.cnegateCached(1, minusAA);
        }

        /** The sender's message: A, 64 bytes. */
        byte[] firstMessage() {
            return aEnc.clone();
        }

        /** Consumes the receiver's points and returns both keys of every OT. */
        Keys finish(byte[] reply) {
            if (reply.length != count * Edwards25519.POINT_BYTES) {
                throw new IllegalArgumentException("base OT reply must be " + count * Edwards25519.POINT_BYTES + " bytes");
            }
            Edwards25519.Point[] pts = new Edwards25519.Point[2 * count];
            for (int i = 0; i < count; i++) {
                Edwards25519.Point b = curve.decode(reply, i * Edwards25519.POINT_BYTES);
                if (b == null) {
                    throw new MpcAbortException("base-ot-point", peer, "point " + i
                            + " of the base OT reply is not a canonical point of edwards25519");
                }
                Edwards25519.Point q = new Edwards25519.Point();
                curve.scalarMult(a, b, q);
                Edwards25519.Point r = new Edwards25519.Point();
                curve.addCached(q, minusAA, r, true);
                if (curve.isIdentity(q) || curve.isIdentity(r)) {
                    throw new MpcAbortException("base-ot-point", peer, "point " + i
                            + " of the base OT reply has small order");
                }
                pts[i] = q;
                pts[count + i] = r;
            }
            byte[] enc = new byte[2 * count * Edwards25519.POINT_BYTES];
            curve.encode(pts, 2 * count, enc, 0);
            Keys keys = new Keys(new long[2 * count], new long[2 * count]);
            MessageDigest sha = sha256();
            for (int i = 0; i < count; i++) {
                kdf(sha, peer, aEnc, i, reply, enc, i, keys.k0());
                kdf(sha, peer, aEnc, i, reply, enc, count + i, keys.k1());
            }
            return keys;
        }

        private void kdf(MessageDigest sha, int receiver, byte[] aEnc, int i, byte[] bs, byte[] points, int pointIndex,
                         long[] out) {
            derive(sha, self, receiver, aEnc, i, bs, points, pointIndex, out);
        }
    }

    /** The OT receiver's side of one batch with one peer. */
    static final class Receiver {
        private final int self;
        private final int peer;
        private final int count;
        private final long[] choices;
        private final Prg prg;
        private final Edwards25519 curve;
        private long[] keys;

        /** @param choices packed choice bits, bit i for OT i */
        Receiver(int self, int peer, long[] choices, int count, Prg prg, Edwards25519 curve) {
            this.self = self;
            this.peer = peer;
            this.count = count;
            this.choices = choices.clone();
            this.prg = prg;
            this.curve = curve;
        }

        /** Consumes the sender's A and returns the points B_1..B_n to send back. */
        byte[] reply(byte[] first) {
            Edwards25519.Point a = curve.decode(first, 0);
            if (a == null) {
                throw new MpcAbortException("base-ot-point", peer, "the base OT sender's point is not a canonical point of edwards25519");
            }
            if (!curve.isInPrimeOrderSubgroup(a)) {
                throw new MpcAbortException("base-ot-point", peer, "the base OT sender's point is not of prime order");
            }
            Edwards25519.FixedBase table = curve.precompute(a);
            Edwards25519.Cached ac = new Edwards25519.Cached();
            curve.toCached(a, ac);
            Edwards25519.Point[] pts = new Edwards25519.Point[2 * count];
            Edwards25519.Point withA = new Edwards25519.Point();
            for (int i = 0; i < count; i++) {
                byte[] b = Edwards25519.randomScalar(prg);
                Edwards25519.Point bg = new Edwards25519.Point();
                curve.mulBase(b, bg);
                curve.addCached(bg, ac, withA, true);
                int c = (int) ((choices[i >>> 6] >>> (i & 63)) & 1);
                Edwards25519.cmovPoint(-c, withA, bg);
                Edwards25519.Point k = new Edwards25519.Point();
                curve.mulFixed(table, b, k);
                pts[i] = bg;
                pts[count + i] = k;
            }
            byte[] enc = new byte[2 * count * Edwards25519.POINT_BYTES];
            curve.encode(pts, 2 * count, enc, 0);
            byte[] bs = java.util.Arrays.copyOf(enc, count * Edwards25519.POINT_BYTES);
            keys = new long[2 * count];
            MessageDigest sha = sha256();
            for (int i = 0; i < count; i++) {
                derive(sha, peer, self, first, i, bs, enc, count + i, keys);
            }
            return bs;
        }

        /** The chosen key of every OT (after {@link #reply}). */
        long[] keys() {
            return keys;
        }
    }

    /** key = first 16 bytes of SHA-256(domain, sender, receiver, A, i, B_i, point). */
    private static void derive(MessageDigest sha, int sender, int receiver, byte[] aEnc, int i, byte[] bs,
                               byte[] points, int pointIndex, long[] out) {
        sha.update(DOMAIN);
        sha.update(int4(sender));
        sha.update(int4(receiver));
        sha.update(aEnc, 0, Edwards25519.POINT_BYTES);
        sha.update(int4(i));
        sha.update(bs, i * Edwards25519.POINT_BYTES, Edwards25519.POINT_BYTES);
        sha.update(points, pointIndex * Edwards25519.POINT_BYTES, Edwards25519.POINT_BYTES);
        byte[] d = sha.digest();
        Blocks.fromBytes(d, 0, out, 2 * i, 2);
    }

    private static byte[] int4(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    /** Big-endian, exactly 32 bytes. */
    private static byte[] toBytes32(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, be.length);
        System.arraycopy(be, be.length - n, out, 32 - n, n);
        return out;
    }
}
