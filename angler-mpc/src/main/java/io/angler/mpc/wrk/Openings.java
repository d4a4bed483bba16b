package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import java.security.MessageDigest;

/**
 * Opening authenticated shares to a peer: the shares themselves, then one SHA-256 digest of their
 * MACs under the peer's key instead of the MACs. The peer recomputes the MACs it expects from its
 * keys and the announced shares, K ⊕ x·Δ, and compares digests. A wrong share needs the MAC of the
 * other value, K ⊕ (x⊕1)·Δ, which is out of reach without the peer's Δ, so one digest checks a
 * whole batch at the cost of hashing it.
 */
final class Openings {
    private Openings() {
    }

    /** Writes {@code size} share bits packed in longs. */
    static void writeBits(Channel ch, long[] bits, int size) {
        ch.writeLongs(bits, 0, words(size));
    }

    static long[] readBits(Channel ch, int size) {
        long[] b = new long[words(size)];
        ch.readLongs(b, 0, b.length);
        if ((size & 63) != 0 && b.length > 0 && (b[b.length - 1] >>> (size & 63)) != 0) {
            throw new MpcAbortException("protocol", ch.peer(), "padding bits of a bit string are not zero");
        }
        return b;
    }

    /** Writes the digest of the MACs of {@code vals}' first {@code size} items under {@code peer}'s key. */
    static void writeMacDigest(Session s, Channel ch, Shares vals, int size) {
        ch.write(s.digest(vals.macs[ch.peer()], 0, 2 * size));
    }

    /**
     * Reads a MAC digest from {@code peer} for the shares {@code peerBits} it announced for
     * {@code vals}' first {@code size} items, and checks it.
     *
     * @param check the name of the check, for the abort
     */
    static void readAndCheckMacDigest(Session s, Channel ch, Shares vals, long[] peerBits, int size, String check) {
        byte[] got = ch.readBytes(32);
        int peer = ch.peer();
        long[] expected = new long[2 * size];
        long[] k = vals.keys[peer];
        for (int i = 0; i < size; i++) {
            long mask = -((peerBits[i >>> 6] >>> (i & 63)) & 1);
            expected[2 * i] = k[2 * i] ^ (s.deltaLo & mask);
            expected[2 * i + 1] = k[2 * i + 1] ^ (s.deltaHi & mask);
        }
        if (!MessageDigest.isEqual(got, s.digest(expected, 0, 2 * size))) {
            throw new MpcAbortException(check, peer, "the MACs of the opened shares do not verify");
        }
    }

    static int words(int bits) {
        return (bits + 63) >>> 6;
    }
}
