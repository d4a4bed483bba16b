package io.angler.mpc.ot;

import io.angler.mpc.crypto.BitTranspose;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.Ghash;

/**
 * The Delta-holding side of one IKNP direction: holds the base-OT seed chosen by each bit of
 * Delta and gets a key K_k for each of the peer's bits, the peer holding K_k xor x_k * Delta.
 */
final class CotSender {
    private final long deltaLo;
    private final long deltaHi;
    private final ColumnPrg g;

    /** @param seeds the seed of base OT i chosen by bit i of Delta */
    CotSender(long deltaLo, long deltaHi, long[] seeds) {
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.g = new ColumnPrg(seeds);
    }

    /** Where this direction's PRG stands (128-row slices used so far). */
    long position() {
        return g.position();
    }

    boolean holds(long lo, long hi) {
        return deltaLo == lo && deltaHi == hi;
    }

    /**
     * The keys for the receiver's matrix {@code u} (m-bit columns, tile layout): rows 0..split-1
     * into {@code keys}, the rest into {@code tail}. {@code q} is scratch of 2m longs, {@code buf}
     * of {@link ColumnPrg#SCRATCH_BYTES} bytes.
     */
    void keys(long[] u, int m, long[] q, long[] keys, int split, long[] tail, FixedKeyAes aes, byte[] buf) {
        g.next(m, q, aes, buf);
        long[] masks = new long[ColumnPrg.COLUMNS];
        for (int c = 0; c < ColumnPrg.COLUMNS; c++) {
            masks[c] = -(c < 64 ? (deltaLo >>> c) & 1 : (deltaHi >>> (c - 64)) & 1);
        }
        for (int rb = 0; rb < m >>> 6; rb++) {
            int o = ColumnPrg.COLUMNS * rb;
            for (int c = 0; c < ColumnPrg.COLUMNS; c++) {
                q[o + c] ^= u[o + c] & masks[c];
            }
        }
        BitTranspose.tilesToRows(q, m, keys, split, tail);
    }

    /** Whether the receiver's check values (X, T) = (F(x), F(t)) satisfy F(t) xor F(K) = Delta * (X xor L*H). */
    boolean check(Ghash challenge, long[] keys, int split, long[] tail, int m, long[] xt) {
        long[] k = new long[2];
        challenge.blocks(keys, split, tail, m - split, k, 0);
        long[] term = new long[2];
        challenge.deltaTerm(deltaLo, deltaHi, xt[0], xt[1], m, term, 0);
        long diff = (k[0] ^ term[0] ^ xt[2]) | (k[1] ^ term[1] ^ xt[3]);
        return diff == 0;
    }
}
