package io.angler.mpc.ot;

import io.angler.mpc.crypto.BitTranspose;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.Ghash;

/**
 * The choosing side of one IKNP direction: holds both seeds of every base OT, gets a MAC
 * t_k = K_k xor x_k * Delta for each of its bits x_k, where the peer holds K_k and Delta.
 */
final class CotReceiver {
    private final ColumnPrg g0;
    private final ColumnPrg g1;

    CotReceiver(long[] seeds0, long[] seeds1) {
        this.g0 = new ColumnPrg(seeds0);
        this.g1 = new ColumnPrg(seeds1);
    }

    /** Where this direction's PRGs stand (128-row slices used so far). */
    long position() {
        return g0.position();
    }

    /**
     * Extends to the {@code m} packed bits (m a multiple of 128): writes the matrix u for the
     * sender (128 columns of m bits, tile layout, 2m longs) into {@code u}, and the MACs as blocks,
     * rows 0..split-1 into {@code macs} and the rest into {@code tail}. {@code t} is scratch of 2m
     * longs, {@code buf} of {@link ColumnPrg#SCRATCH_BYTES} bytes.
     */
    void extend(long[] bits, int m, long[] t, long[] u, long[] macs, int split, long[] tail, FixedKeyAes aes,
                byte[] buf) {
        g0.next(m, t, aes, buf);
        g1.next(m, u, aes, buf);
        for (int rb = 0; rb < m >>> 6; rb++) {
            long x = bits[rb];
            int o = ColumnPrg.COLUMNS * rb;
            for (int c = 0; c < ColumnPrg.COLUMNS; c++) {
                u[o + c] ^= t[o + c] ^ x;
            }
        }
        BitTranspose.tilesToRows(t, m, macs, split, tail);
    }

    /**
     * The KOS check values for the sender's challenge, GHASH ({@link Ghash}) as the combination:
     * (X, T) = (F(x), F(t)) over the m rows (macs then tail), four longs.
     */
    static long[] checkValues(Ghash challenge, long[] bits, int m, long[] macs, int split, long[] tail) {
        long[] out = new long[4];
        challenge.bits(bits, m, out, 0);
        challenge.blocks(macs, split, tail, m - split, out, 2);
        return out;
    }
}
