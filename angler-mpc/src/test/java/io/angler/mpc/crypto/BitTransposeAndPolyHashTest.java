package io.angler.mpc.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BitTransposeAndPolyHashTest {

    @Test
    void transposeMatchesTheNaiveDefinition() {
        SplittableRandom rnd = new SplittableRandom(7);
        int rows = 64 * 5;
        long[] cols = new long[128 * rows / 64];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = rnd.nextLong();
        }
        long[] out = new long[2 * rows];
        BitTranspose.columnsToRows(cols, rows, out);
        // the same matrix in tile layout: word 128r + c holds rows 64r.. of column c
        long[] tiles = new long[cols.length];
        for (int c = 0; c < 128; c++) {
            for (int r = 0; r < rows / 64; r++) {
                tiles[128 * r + c] = cols[c * (rows / 64) + r];
            }
        }
        long[] fromTiles = new long[2 * rows];
        BitTranspose.tilesToRows(tiles, rows, fromTiles);
        for (int c = 0; c < 128; c++) {
            for (int k = 0; k < rows; k++) {
                boolean in = ((cols[c * (rows / 64) + k / 64] >>> (k % 64)) & 1) != 0;
                boolean got = ((out[2 * k + c / 64] >>> (c % 64)) & 1) != 0;
                boolean gotTiles = ((fromTiles[2 * k + c / 64] >>> (c % 64)) & 1) != 0;
                if (in != got || in != gotTiles) {
                    throw new AssertionError("column " + c + " row " + k);
                }
            }
        }
    }

    @Test
    void polynomialEvaluationAgreesWithFieldArithmetic() {
        SplittableRandom rnd = new SplittableRandom(9);
        PolyHash ph = new PolyHash(rnd.nextLong(), rnd.nextLong());
        int n = 384;
        long[] v = new long[2 * n + 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextLong();
        }
        for (int len : new int[] {0, 1, 2, 3, 5, 383, 384}) {
            // oracle: Horner's rule with Gf128.mul, from long offset 6
            long[] acc = new long[2];
            for (int k = 0; k < len; k++) {
                Gf128.mul(acc[0] ^ v[6 + 2 * k], acc[1] ^ v[6 + 2 * k + 1], ph.hLo(), ph.hHi(), acc, 0);
            }
            long[] got = new long[2];
            ph.eval(v, 6, len, got, 0);
            assertThat(got).as("length %d", len).containsExactly(acc);
        }

        long[] bits = new long[n / 64];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = rnd.nextLong();
        }
        long[] expanded = new long[2 * n];
        for (int k = 0; k < n; k++) {
            expanded[2 * k] = Blocks.bit(bits, k) ? 1 : 0;
        }
        long[] viaBlocks = new long[2];
        ph.eval(expanded, 0, n, viaBlocks, 0);
        long[] viaBits = new long[2];
        ph.evalBits(bits, n, viaBits, 0);
        assertThat(viaBits).containsExactly(viaBlocks);
        // eval over a concatenation equals eval over the joined array
        long[] a = java.util.Arrays.copyOfRange(v, 0, 2 * 100);
        long[] b = java.util.Arrays.copyOfRange(v, 2 * 100, 2 * 137);
        long[] joined = new long[2];
        ph.eval(v, 0, 137, joined, 0);
        long[] split = new long[2];
        ph.eval(a, 100, b, 37, split, 0);
        assertThat(split).containsExactly(joined);
        long[] m = new long[2];
        ph.mulH(v[0], v[1], m, 0);
        long[] e = new long[2];
        Gf128.mul(v[0], v[1], ph.hLo(), ph.hHi(), e, 0);
        assertThat(m).containsExactly(e);
    }
}
