package io.angler.mpc.wrk;

/**
 * Authenticated shares of {@code size} secret bits, from one party's point of view, in primitive
 * arrays. For item {@code i}:
 * <ul>
 *   <li>{@code bits}: this party's share x^self (bit i%64 of long i/64);</li>
 *   <li>{@code macs[p][2i..2i+1]}: the MAC M_p[x^self] = K_p[x^self] ⊕ x^self·Δ_p, which peer p
 *       can check with its key;</li>
 *   <li>{@code keys[p][2i..2i+1]}: this party's key K_self[x^p] for peer p's share, whose MAC is
 *       K ⊕ x^p·Δ_self.</li>
 * </ul>
 * {@code macs[self]} and {@code keys[self]} are null. The shared value is the XOR of every party's
 * share. Linear operations (XOR of two items, XOR with a public constant) are local.
 */
final class Shares {
    final int size;
    final int self;
    final long[] bits;
    final long[][] macs;
    final long[][] keys;

    Shares(int parties, int self, int size) {
        this.size = size;
        this.self = self;
        this.bits = new long[(size + 63) >>> 6];
        this.macs = new long[parties][];
        this.keys = new long[parties][];
        for (int p = 0; p < parties; p++) {
            if (p != self) {
                macs[p] = new long[2 * size];
                keys[p] = new long[2 * size];
            }
        }
    }

    Shares(int self, int size, long[] bits, long[][] macs, long[][] keys) {
        this.size = size;
        this.self = self;
        this.bits = bits;
        this.macs = macs;
        this.keys = keys;
    }

    int parties() {
        return macs.length;
    }

    boolean bit(int i) {
        return ((bits[i >>> 6] >>> (i & 63)) & 1) != 0;
    }

    long bitAsLong(int i) {
        return (bits[i >>> 6] >>> (i & 63)) & 1;
    }

    void setBit(int i, boolean v) {
        if (v) {
            bits[i >>> 6] |= 1L << (i & 63);
        } else {
            bits[i >>> 6] &= ~(1L << (i & 63));
        }
    }

    /** Item {@code dst} becomes a copy of item {@code src} of {@code from}. */
    void copyFrom(int dst, Shares from, int src) {
        setBit(dst, from.bit(src));
        for (int p = 0; p < macs.length; p++) {
            if (p != self) {
                macs[p][2 * dst] = from.macs[p][2 * src];
                macs[p][2 * dst + 1] = from.macs[p][2 * src + 1];
                keys[p][2 * dst] = from.keys[p][2 * src];
                keys[p][2 * dst + 1] = from.keys[p][2 * src + 1];
            }
        }
    }

    /**
     * Adds the public constant 1 to item {@code i}: party 0 flips its share, and every other party
     * moves its key for party 0's share by its Δ, so that party 0's MACs stay valid.
     */
    void addOne(int i, long deltaLo, long deltaHi) {
        if (self == 0) {
            bits[i >>> 6] ^= 1L << (i & 63);
        } else {
            keys[0][2 * i] ^= deltaLo;
            keys[0][2 * i + 1] ^= deltaHi;
        }
    }
}
