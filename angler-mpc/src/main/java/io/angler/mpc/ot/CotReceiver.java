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
     * {@code macs} and returns the matrix u (128 columns of m bits) for the sender.
     */
    long[] extend(long[] bits, int m, long[] macs) {
        int stride = m >>> 6;
        long[] t = new long[ColumnPrg.COLUMNS * stride];
        long[] u = new long[ColumnPrg.COLUMNS * stride];
        g0.next(m, t);
        g1.next(m, u);
        for (int i = 0; i < ColumnPrg.COLUMNS; i++) {
            int o = i * stride;
            for (int w = 0; w < stride; w++) {
                u[o + w] ^= t[o + w] ^ bits[w];
            }
        }
        BitTranspose.columnsToRows(t, m, macs);
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
