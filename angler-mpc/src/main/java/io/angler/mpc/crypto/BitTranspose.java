package io.angler.mpc.crypto;

/**
 * Bit-matrix transposition on longs, for OT extension: the matrix arrives as 128 columns of m bits
 * and is used as m rows of 128 bits (blocks). Works in 64x64 tiles with the classic
 * swap-halves-recursively method, six passes of 32 word operations per tile.
 */
public final class BitTranspose {
    private static final long[] MASKS = {
        0x5555555555555555L, 0x3333333333333333L, 0x0F0F0F0F0F0F0F0FL,
        0x00FF00FF00FF00FFL, 0x0000FFFF0000FFFFL, 0x00000000FFFFFFFFL,
    };

    private BitTranspose() {
    }

    /** Transposes the 64x64 tile {@code a[off..off+63]} in place: bit c of word r becomes bit r of word c. */
    public static void transpose64(long[] a, int off) {
        for (int level = 5; level >= 0; level--) {
            int j = 1 << level;
            long m = MASKS[level];
            for (int k = 0; k < 64; k = (k + j + 1) & ~j) {
                long x = a[off + k];
                long y = a[off + k + j];
                long t = ((x >>> j) ^ y) & m;
                a[off + k] = x ^ (t << j);
                a[off + k + j] = y ^ t;
            }
        }
    }

    /**
     * Turns a 128-column matrix in tile layout ({@code tiles[128*r + c]} holds rows 64r..64r+63 of
     * column c) into {@code rows} 128-bit blocks, bit c of block k being bit k of column c. The
     * tiles are transposed in place (destroyed).
     *
     * @param rows a multiple of 64
     */
    public static void tilesToRows(long[] tiles, int rows, long[] out) {
        tilesToRows(tiles, rows, out, rows, null);
    }

    /**
     * As {@link #tilesToRows(long[], int, long[])}, writing blocks 0..split-1 to {@code out} and
     * blocks split..rows-1 to {@code tail} (from its start), so that callers get exactly-sized
     * outputs.
     */
    public static void tilesToRows(long[] tiles, int rows, long[] out, int split, long[] tail) {
        if ((rows & 63) != 0) {
            throw new IllegalArgumentException("rows must be a multiple of 64, got " + rows);
        }
        for (int rb = 0; rb < rows >>> 6; rb++) {
            int t = 128 * rb;
            transpose64(tiles, t);
            transpose64(tiles, t + 64);
            for (int r = 0; r < 64; r++) {
                int k = 64 * rb + r;
                if (k < split) {
                    out[2 * k] = tiles[t + r];
                    out[2 * k + 1] = tiles[t + 64 + r];
                } else {
                    tail[2 * (k - split)] = tiles[t + r];
                    tail[2 * (k - split) + 1] = tiles[t + 64 + r];
                }
            }
        }
    }

    /**
     * Turns 128 columns of {@code rows} bits into {@code rows} 128-bit blocks: column i occupies
     * {@code cols[i*rows/64 ..]} (bit k of the column is bit k%64 of long k/64); afterwards bit i of
     * block k ({@code out[2k]} for i < 64, {@code out[2k+1]} otherwise) is bit k of column i.
     *
     * @param rows a multiple of 64
     */
    public static void columnsToRows(long[] cols, int rows, long[] out) {
        if ((rows & 63) != 0) {
            throw new IllegalArgumentException("rows must be a multiple of 64, got " + rows);
        }
        int stride = rows >>> 6;
        long[] tile = new long[64];
        for (int rb = 0; rb < stride; rb++) {
            for (int half = 0; half < 2; half++) {
                for (int c = 0; c < 64; c++) {
                    tile[c] = cols[(64 * half + c) * stride + rb];
                }
                transpose64(tile, 0);
                int base = 2 * 64 * rb + half;
                for (int r = 0; r < 64; r++) {
                    out[base + 2 * r] = tile[r];
                }
            }
        }
    }
}
