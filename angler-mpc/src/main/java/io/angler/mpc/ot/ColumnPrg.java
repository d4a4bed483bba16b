package io.angler.mpc.ot;

import io.angler.mpc.crypto.FixedKeyAes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Expands 128 seeds, one per column of an OT-extension matrix, into columns of pseudorandom bits,
 * each call continuing where the previous one stopped so that no position is used twice. Block j
 * of column i is MMO(x) = pi(x) xor x with x = seed_i xor (j, i), pi the fixed-key AES permutation:
 * one batched AES pass for the whole matrix, no key schedule per seed.
 *
 * <p>Output is in <em>tile layout</em>: the 64 bits of rows 64r..64r+63 of column c are the long
 * {@code out[128*r + c]}, so each 64x64 tile of the matrix is 64 consecutive longs and transposes
 * in place ({@link io.angler.mpc.crypto.BitTranspose#tilesToRows}).
 */
final class ColumnPrg {
    static final int COLUMNS = 128;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Positions (128-row slices) per AES batch: 16 x 128 blocks = 32 KiB. */
    private static final int CHUNK = 16;
    /** Bytes of the scratch buffer {@link #next} needs. */
    static final int SCRATCH_BYTES = CHUNK * COLUMNS * 16;

    private final long[] seedLo = new long[COLUMNS];
    private final long[] seedHi = new long[COLUMNS];
    private long position;

    /** @param seeds 128 blocks (256 longs) */
    ColumnPrg(long[] seeds) {
        if (seeds.length != 2 * COLUMNS) {
            throw new IllegalArgumentException("need 128 seeds");
        }
        for (int c = 0; c < COLUMNS; c++) {
            seedLo[c] = seeds[2 * c];
            seedHi[c] = seeds[2 * c + 1] ^ c;
        }
    }

    /** How many 128-row slices were generated so far: where the next call starts. */
    long position() {
        return position;
    }

    /**
     * Writes the next {@code m} bits (a multiple of 128) of every column, in tile layout, to
     * {@code out} (2m longs). {@code buf} is scratch of {@link #SCRATCH_BYTES} bytes (shared, so
     * that a cached PRG holds only its seeds).
     */
    void next(int m, long[] out, FixedKeyAes aes, byte[] buf) {
        int positions = m >>> 7;
        for (int j0 = 0; j0 < positions; j0 += CHUNK) {
            int nj = Math.min(CHUNK, positions - j0);
            for (int j = 0; j < nj; j++) {
                long pos = position + j0 + j;
                int o = j * COLUMNS * 16;
                for (int c = 0; c < COLUMNS; c++) {
                    LONGS.set(buf, o + 16 * c, seedLo[c] ^ pos);
                    LONGS.set(buf, o + 16 * c + 8, seedHi[c]);
                }
            }
            aes.permuteBytes(buf, 0, buf, 0, nj * COLUMNS);
            for (int j = 0; j < nj; j++) {
                long pos = position + j0 + j;
                int o = j * COLUMNS * 16;
                int lo = 2 * (j0 + j) * COLUMNS;
                int hi = lo + COLUMNS;
                for (int c = 0; c < COLUMNS; c++) {
                    out[lo + c] = (long) LONGS.get(buf, o + 16 * c) ^ seedLo[c] ^ pos;
                    out[hi + c] = (long) LONGS.get(buf, o + 16 * c + 8) ^ seedHi[c];
                }
            }
        }
        position += positions;
    }
}
