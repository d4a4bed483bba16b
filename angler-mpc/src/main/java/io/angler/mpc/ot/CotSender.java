package io.angler.mpc.ot;

import io.angler.mpc.crypto.BitTranspose;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.Gf128;
import io.angler.mpc.crypto.PolyHash;

/**
 * The Delta-holding side of one IKNP direction: holds the base-OT seed chosen by each bit of
 * Delta and gets a key K_k for each of the peer's bits, the peer holding K_k xor x_k * Delta.
 */
final class CotSender {
    private final long deltaLo;
    private final long deltaHi;
    private final ColumnPrg g;

    /** @param seeds the seed of base OT i chosen by bit i of Delta */
    CotSender(long deltaLo, long deltaHi, long[] seeds, FixedKeyAes aes) {
        this.deltaLo = deltaLo;
        this.deltaHi = deltaHi;
        this.g = new ColumnPrg(seeds, aes);
    }

    /** The keys (m blocks) for the receiver's matrix {@code u} of m-bit columns. */
    long[] keys(long[] u, int m) {
        int stride = m >>> 6;
        long[] q = new long[ColumnPrg.COLUMNS * stride];
        g.next(m, q);
        for (int i = 0; i < ColumnPrg.COLUMNS; i++) {
            long bit = i < 64 ? (deltaLo >>> i) & 1 : (deltaHi >>> (i - 64)) & 1;
            long mask = -bit;
            int o = i * stride;
            for (int w = 0; w < stride; w++) {
                q[o + w] ^= u[o + w] & mask;
            }
        }
        long[] keys = new long[2 * m];
        BitTranspose.columnsToRows(q, m, keys);
        return keys;
    }

    /** Whether the receiver's check values (X, T) satisfy T = sum K_k h^(m-k) xor X * Delta. */
    boolean check(PolyHash challenge, long[] keys, int m, long[] xt) {
        long[] k = new long[2];
        challenge.eval(keys, 0, m, k, 0);
        long[] xd = new long[2];
        Gf128.mul(xt[0], xt[1], deltaLo, deltaHi, xd, 0);
        long diff = (k[0] ^ xd[0] ^ xt[2]) | (k[1] ^ xd[1] ^ xt[3]);
        return diff == 0;
    }
}
