package io.angler.mpc.crypto;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * GHASH, the universal hash of AES-GCM, as a random linear combination of 128-bit blocks: for a
 * 16-byte seed K, H = AES_K(0) and, for blocks v_1..v_m,
 * <pre>
 *   F(v) = GHASH_H(v_1, ..., v_m, L) = (v_1 H^m ⊕ ... ⊕ v_m H ⊕ L) · H       (L: GCM's length block)
 * </pre>
 * in GCM's field and bit order (a block's bytes as the OT code stores them, little-endian longs,
 * read as GCM reads bytes). The KOS check uses it: with H unknown to the receiver until its matrix
 * is fixed, a nonzero combination vanishes for at most m + 1 of the 2^128 values of H.
 *
 * <p>Why GHASH: the JCA's AES/GCM computes it with carry-less multiplication instructions once the
 * JIT has compiled GCM (TLS traffic does that early), about 5 ns per block against about 22 for
 * {@link PolyHash}'s tables. Before that it is far slower, so each evaluation takes whichever of
 * the two ways (the JCA, or the same function with {@link PolyHash#reflected} tables) last cost
 * less CPU time per block, and every few evaluations measures the other again. Both give the same
 * value, so the choice is each party's own.
 *
 * <p>Results are returned in {@link Gf128}'s representation (each GCM-order long
 * {@link PolyHash#reflect reflected}), ready for {@link #deltaTerm}. Not thread-safe.
 */
public final class Ghash {
    /** Blocks below which the tables are always used (the JCA's set-up costs microseconds). */
    private static final int SMALL = 2048;
    /** Every PROBE-th large evaluation takes the way that is not the cheaper one, to measure it again. */
    private static final int PROBE = 16;
    private static final int CHUNK_BLOCKS = 4096;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU nanoseconds per block last measured for each way (the tables are known to cost about 22). */
    private static volatile double jcaCost = Double.MAX_VALUE;
    private static volatile double tableCost = 22;
    private static volatile boolean jcaBroken;
    private static final AtomicLong EVALUATIONS = new AtomicLong();

    private final SecretKeySpec key;
    private final Cipher ecb;
    /** H in Gf128's representation. */
    private final long hLo;
    private final long hHi;
    private PolyHash tables;
    private byte[] chunk;
    private long ivCounter;

    private Ghash(byte[] seed) {
        if (seed.length != 16) {
            throw new IllegalArgumentException("ghash: seed must be 16 bytes, got " + seed.length);
        }
        try {
            key = new SecretKeySpec(seed.clone(), "AES");
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, key);
            long[] h = new long[2];
            Blocks.fromBytes(ecb.doFinal(new byte[16]), 0, h, 0, 2);
            hLo = PolyHash.reflect(h[0]);
            hHi = PolyHash.reflect(h[1]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is required by every Java runtime", e);
        }
    }

    /** The hash with key H = AES_seed(0). */
    public static Ghash fromSeed(byte[] seed) {
        return new Ghash(seed);
    }

    /** F of the {@code na} blocks of {@code a} followed by the {@code nb} blocks of {@code b} (both from offset 0). */
    public void blocks(long[] a, int na, long[] b, int nb, long[] out, int outOff) {
        int m = na + nb;
        long[] raw = null;
        boolean useJca = false;
        if (m >= SMALL && !jcaBroken) {
            useJca = jcaCost < tableCost;
            if (EVALUATIONS.incrementAndGet() % PROBE == 0) {
                useJca = !useJca; // measure the other way again
            }
        }
        long t0 = cpuNanos();
        if (useJca) {
            raw = viaJca(a, na, b, nb);
            if (raw != null) {
                jcaCost = (cpuNanos() - t0) / (double) m;
            }
        }
        if (raw == null) {
            raw = viaTables(a, na, b, nb);
            if (m >= SMALL) {
                tableCost = (cpuNanos() - t0) / (double) m;
            }
        }
        out[outOff] = PolyHash.reflect(raw[0]);
        out[outOff + 1] = PolyHash.reflect(raw[1]);
    }

    /**
     * F of the blocks x_k · 1 for the {@code m} packed bits x (bit k is bit k%64 of long k/64; m a
     * multiple of 128): the same combination applied to the bits.
     */
    public void bits(long[] x, int m, long[] out, int outOff) {
        long[] e = new long[2];
        new PolyHash(hLo, hHi).evalBits(x, m, e, 0); // Σ x_k h^(m-k), Gf128's order
        long[] l = lengthBlock(m);
        Gf128.mul(e[0] ^ l[0], e[1] ^ l[1], hLo, hHi, out, outOff);
    }

    /**
     * The term the KOS check expects: Δ · (X ⊕ L·H) where X = {@link #bits} of the receiver's
     * bits, so that F(receiver's rows) ⊕ F(sender's rows) equals it when every row k satisfies
     * t_k ⊕ q_k = x_k·Δ. Δ is given as stored (a block of two longs), X in Gf128's representation.
     */
    public void deltaTerm(long deltaLo, long deltaHi, long xLo, long xHi, int m, long[] out, int outOff) {
        long[] l = lengthBlock(m);
        long[] lh = new long[2];
        Gf128.mul(l[0], l[1], hLo, hHi, lh, 0);
        Gf128.mul(PolyHash.reflect(deltaLo), PolyHash.reflect(deltaHi), xLo ^ lh[0], xHi ^ lh[1], out, outOff);
    }

    private static long cpuNanos() {
        try {
            long t = THREADS.getCurrentThreadCpuTime();
            return t < 0 ? System.nanoTime() : t;
        } catch (UnsupportedOperationException e) {
            return System.nanoTime();
        }
    }

    /** GCM's length block for m blocks of additional data and no ciphertext, in Gf128's representation. */
    private static long[] lengthBlock(int m) {
        return new long[] {PolyHash.reflect(Long.reverseBytes(128L * m)), 0};
    }

    private long[] viaTables(long[] a, int na, long[] b, int nb) {
        if (tables == null) {
            tables = PolyHash.reflected(hLo, hHi);
        }
        long[] e = new long[2];
        tables.eval(a, na, b, nb, e, 0);
        long[] l = lengthBlock(na + nb);
        long[] r = new long[2];
        tables.mulH(e[0] ^ PolyHash.reflect(l[0]), e[1] ^ PolyHash.reflect(l[1]), r, 0);
        return r;
    }

    /** GHASH through AES/GCM with the blocks as additional data: the tag minus AES_K(J0); null if the JCA fails. */
    private long[] viaJca(long[] a, int na, long[] b, int nb) {
        try {
            byte[] iv = new byte[12];
            long n = ++ivCounter;
            for (int i = 0; i < 8; i++) {
                iv[i] = (byte) (n >>> (8 * i));
            }
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            aad(gcm, a, na);
            aad(gcm, b, nb);
            byte[] tag = gcm.doFinal();
            byte[] j0 = new byte[16];
            System.arraycopy(iv, 0, j0, 0, 12);
            j0[15] = 1;
            byte[] mask = ecb.doFinal(j0);
            long[] r = new long[2];
            long[] t = new long[2];
            Blocks.fromBytes(tag, 0, t, 0, 2);
            Blocks.fromBytes(mask, 0, r, 0, 2);
            r[0] ^= t[0];
            r[1] ^= t[1];
            return r;
        } catch (GeneralSecurityException | RuntimeException e) {
            jcaBroken = true; // the tables will do
            return null;
        }
    }

    private void aad(Cipher gcm, long[] v, int blocks) {
        if (chunk == null) {
            chunk = new byte[CHUNK_BLOCKS * 16];
        }
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int k = Math.min(CHUNK_BLOCKS, blocks - done);
            Blocks.toBytes(v, 2 * done, 2 * k, chunk, 0);
            gcm.updateAAD(chunk, 0, 16 * k);
        }
    }

    /** For tests: F computed with the tables, whatever the JCA's speed. */
    void blocksWithTables(long[] a, int na, long[] b, int nb, long[] out, int outOff) {
        long[] raw = viaTables(a, na, b, nb);
        out[outOff] = PolyHash.reflect(raw[0]);
        out[outOff + 1] = PolyHash.reflect(raw[1]);
    }

    /** For tests: F computed through the JCA, or null if it failed. */
    long[] blocksWithJca(long[] a, int na, long[] b, int nb) {
        long[] raw = viaJca(a, na, b, nb);
        return raw == null ? null : new long[] {PolyHash.reflect(raw[0]), PolyHash.reflect(raw[1])};
    }
}
