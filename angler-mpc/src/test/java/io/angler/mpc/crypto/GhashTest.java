package io.angler.mpc.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * GHASH as the KOS check's combination: the JCA's AES/GCM and the byte tables compute the same
 * function (so each party may use either), and it has the linear structure the check relies on.
 */
class GhashTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static long[] random(int longs) {
        long[] v = new long[longs];
        for (int i = 0; i < longs; i++) {
            v[i] = RANDOM.nextLong();
        }
        return v;
    }

    @Test
    void theJcaAndTheTablesAgreeAndMatchASchoolbookGhash() {
        for (int[] sizes : new int[][] {{1, 0}, {5, 3}, {130, 256}, {3000, 383}}) {
            Ghash g = Ghash.fromSeed(randomBytes());
            long[] a = random(2 * sizes[0]);
            long[] b = random(2 * sizes[1]);
            long[] tables = new long[2];
            g.blocksWithTables(a, sizes[0], b, sizes[1], tables, 0);
            long[] jca = g.blocksWithJca(a, sizes[0], b, sizes[1]);
            assertThat(jca).as("the JCA path works here").isNotNull();
            assertThat(jca).as("%d + %d blocks", sizes[0], sizes[1]).isEqualTo(tables);
            long[] either = new long[2];
            g.blocks(a, sizes[0], b, sizes[1], either, 0);
            assertThat(either).isEqualTo(tables);
        }
    }

    @Test
    void theBitsAreTheBlocksOneOrZeroAndTheCheckRelationHolds() {
        byte[] seed = randomBytes();
        Ghash g = Ghash.fromSeed(seed);
        int m = 640;
        long[] x = random(m / 64);
        // the blocks x_k * 1 in the storage order of blocks: 1 is GCM's x^0, the top bit of byte 0
        long[] ones = new long[2 * m];
        for (int k = 0; k < m; k++) {
            if (Blocks.bit(x, k)) {
                ones[2 * k] = 0x80;
            }
        }
        long[] fx = new long[2];
        g.bits(x, m, fx, 0);
        long[] fOnes = new long[2];
        g.blocks(ones, m, new long[0], 0, fOnes, 0);
        assertThat(fx).isEqualTo(fOnes);

        // t_k = q_k xor x_k * Δ for every row: F(t) xor F(q) = Δ · (X xor L·H)
        long dLo = RANDOM.nextLong() | 1;
        long dHi = RANDOM.nextLong();
        long[] q = random(2 * m);
        long[] t = q.clone();
        for (int k = 0; k < m; k++) {
            if (Blocks.bit(x, k)) {
                t[2 * k] ^= dLo;
                t[2 * k + 1] ^= dHi;
            }
        }
        int split = 300;
        long[] ft = new long[2];
        long[] fq = new long[2];
        g.blocks(java.util.Arrays.copyOf(t, 2 * split), split, java.util.Arrays.copyOfRange(t, 2 * split, 2 * m), m - split, ft, 0);
        g.blocks(java.util.Arrays.copyOf(q, 2 * split), split, java.util.Arrays.copyOfRange(q, 2 * split, 2 * m), m - split, fq, 0);
        long[] term = new long[2];
        g.deltaTerm(dLo, dHi, fx[0], fx[1], m, term, 0);
        assertThat(new long[] {ft[0] ^ fq[0], ft[1] ^ fq[1]}).isEqualTo(term);
        // one row off by a single bit of Δ breaks it
        t[2 * 17] ^= 1L << 9;
        g.blocks(t, m, new long[0], 0, ft, 0);
        g.blocks(q, m, new long[0], 0, fq, 0);
        assertThat(new long[] {ft[0] ^ fq[0], ft[1] ^ fq[1]}).isNotEqualTo(term);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }
}
