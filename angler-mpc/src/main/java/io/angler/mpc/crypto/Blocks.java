package io.angler.mpc.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * 128-bit blocks held in {@code long[]}: block {@code i} is {@code a[2i]} (low 64 bits) and
 * {@code a[2i+1]} (high 64 bits). As bytes, a block is its low long then its high long, each
 * little-endian. Offsets in this API are in longs unless a name says blocks.
 */
public final class Blocks {
    private Blocks() {
    }

    /** {@code out[o..] = a[ai..] ^ b[bi..]} for {@code blocks} blocks. */
    public static void xor(long[] a, int ai, long[] b, int bi, long[] out, int oi, int blocks) {
        for (int k = 0; k < 2 * blocks; k++) {
            out[oi + k] = a[ai + k] ^ b[bi + k];
        }
    }

    /** {@code a[ai..] ^= b[bi..]} for {@code blocks} blocks. */
    public static void xorInto(long[] a, int ai, long[] b, int bi, int blocks) {
        for (int k = 0; k < 2 * blocks; k++) {
            a[ai + k] ^= b[bi + k];
        }
    }

    /** The least significant bit of block {@code block}. */
    public static boolean lsb(long[] a, int block) {
        return (a[2 * block] & 1) != 0;
    }

    /** Copies longs into bytes, little-endian. */
    public static void toBytes(long[] src, int off, int len, byte[] dst, int dstOff) {
        ByteBuffer.wrap(dst, dstOff, len * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(src, off, len);
    }

    /** Copies bytes into longs, little-endian. */
    public static void fromBytes(byte[] src, int srcOff, long[] dst, int off, int len) {
        ByteBuffer.wrap(src, srcOff, len * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, off, len);
    }

    public static byte[] toBytes(long[] src) {
        byte[] b = new byte[src.length * 8];
        toBytes(src, 0, src.length, b, 0);
        return b;
    }

    /** Bit {@code i} of a packed bit array (bit i is bit i%64 of long i/64). */
    public static boolean bit(long[] packed, int i) {
        return ((packed[i >>> 6] >>> (i & 63)) & 1) != 0;
    }

    public static void setBit(long[] packed, int i, boolean v) {
        if (v) {
            packed[i >>> 6] |= 1L << (i & 63);
        } else {
            packed[i >>> 6] &= ~(1L << (i & 63));
        }
    }

    /** Longs needed to pack {@code bits} bits. */
    public static int longsForBits(int bits) {
        return (bits + 63) >>> 6;
    }
}
