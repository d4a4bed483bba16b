package io.angler.mpc.ot;

import io.angler.mpc.crypto.FixedKeyAes;

/**
 * Expands 128 seeds, one per column of an OT-extension matrix, into columns of pseudorandom bits,
 * each call continuing where the previous one stopped so that no position is used twice. Block j
 * of column i is MMO(x) = pi(x) xor x with x = seed_i xor (j, i), pi the fixed-key AES permutation:
 * one batched AES pass for the whole matrix, no key schedule per seed.
 */
final class ColumnPrg {
    static final int COLUMNS = 128;

    private final long[] seeds;
    private final FixedKeyAes aes;
    private long position;

    /** @param seeds 128 blocks (256 longs), copied */
    ColumnPrg(long[] seeds, FixedKeyAes aes) {
        if (seeds.length != 2 * COLUMNS) {
            throw new IllegalArgumentException("need 128 seeds");
        }
        this.seeds = seeds.clone();
        this.aes = aes;
    }

    /** Writes the next {@code m} bits (a multiple of 128) of every column i to {@code out[i*m/64 ..]}. */
    void next(int m, long[] out) {
        int blocks = m >>> 7;
        int stride = m >>> 6;
        for (int i = 0; i < COLUMNS; i++) {
            long sLo = seeds[2 * i];
            long sHi = seeds[2 * i + 1] ^ i;
            int o = i * stride;
            for (int j = 0; j < blocks; j++) {
                out[o + 2 * j] = sLo ^ (position + j);
                out[o + 2 * j + 1] = sHi;
            }
        }
        aes.permute(out, 0, out, 0, COLUMNS * blocks);
        for (int i = 0; i < COLUMNS; i++) {
            long sLo = seeds[2 * i];
            long sHi = seeds[2 * i + 1] ^ i;
            int o = i * stride;
            for (int j = 0; j < blocks; j++) {
                out[o + 2 * j] ^= sLo ^ (position + j);
                out[o + 2 * j + 1] ^= sHi;
            }
        }
        position += blocks;
    }
}
