package io.angler.mpc.ot;

import io.angler.mpc.crypto.BitTranspose;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.PolyHash;

/**
 * The choosing side of one IKNP direction: holds both seeds of every base OT, gets a MAC
 * t_k = K_k xor x_k * Delta for each of its bits x_k, where the peer holds K_k and Delta.
 */
final class CotReceiver {
    private final ColumnPrg g0;
    private final ColumnPrg g1;

    CotReceiver(long[] seeds0, long[] seeds1, FixedKeyAes aes) {
        this.g0 = new ColumnPrg(seeds0, aes);
        this.g1 = new ColumnPrg(seeds1, aes);
    }

    /**
     * Extends to the {@code m} packed bits (m a multiple of 128): writes the MACs as m blocks into
     * {@code macs} and returns the matrix u (128 columns of m bits, tile layout) for the sender.
     */
    long[] extend(long[] bits, int m, long[] macs) {
        long[] t = new long[2 * m];
        long[] u = new long[2 * m];
        g0.next(m, t);
        g1.next(m, u);
        for (int rb = 0; rb < m >>> 6; rb++) {
            long x = bits[rb];
            int o = ColumnPrg.COLUMNS * rb;
            for (int c = 0; c < ColumnPrg.COLUMNS; c++) {
                u[o + c] ^= t[o + c] ^ x;
            }
        }
        BitTranspose.tilesToRows(t, m, macs);
        return u;
    }

    /**
     * The KOS check values for the sender's challenge: (X, T) = (sum x_k h^(m-k), sum t_k h^(m-k)),
     * four longs.
     */
    static long[] checkValues(PolyHash challenge, long[] bits, long[] macs, int m) {
        long[] out = new long[4];
        challenge.evalBits(bits, m, out, 0);
        challenge.eval(macs, 0, m, out, 2);
        return out;
    }
}
