package io.angler.mpc.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A pseudorandom generator: AES-128 in counter mode under a 128-bit seed. {@link #secure()} seeds
 * it from {@link SecureRandom}; {@link #fromSeed} expands a seed that parties agreed on (e.g. by
 * coin tossing). Not thread-safe: one per protocol thread.
 */
public final class Prg {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final int CHUNK = 1 << 14;

    private final Cipher ctr;
    private final byte[] zeros = new byte[CHUNK];
    private final byte[] buf = new byte[CHUNK];
    private int pos = CHUNK;

    private Prg(byte[] seed) {
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is required by every Java runtime", e);
        }
    }

    /** A generator seeded from the operating system's secure random source. */
    public static Prg secure() {
        byte[] seed = new byte[16];
        SEEDS.nextBytes(seed);
        return new Prg(seed);
    }

    /** A generator expanding a 16-byte seed. */
    public static Prg fromSeed(byte[] seed) {
        if (seed.length != 16) {
            throw new IllegalArgumentException("prg: seed must be 16 bytes, got " + seed.length);
        }
        return new Prg(seed.clone());
    }

    /** A generator expanding the seed block (lo, hi). */
    public static Prg fromSeed(long lo, long hi) {
        byte[] s = new byte[16];
        ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN).putLong(lo).putLong(hi);
        return new Prg(s);
    }

    private void refill() {
        try {
            ctr.update(zeros, 0, CHUNK, buf, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        pos = 0;
    }

    public void nextBytes(byte[] dst, int off, int len) {
        while (len > 0) {
            if (pos == CHUNK) {
                refill();
            }
            int n = Math.min(len, CHUNK - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    public byte[] nextBytes(int len) {
        byte[] b = new byte[len];
        nextBytes(b, 0, len);
        return b;
    }

    /** Fills {@code len} longs with random bits. */
    public void nextLongs(long[] dst, int off, int len) {
        int done = 0;
        while (done < len) {
            if (CHUNK - pos < 8) {
                refill();
            }
            int n = Math.min(len - done, (CHUNK - pos) / 8);
            Blocks.fromBytes(buf, pos, dst, off + done, n);
            pos += n * 8;
            done += n;
        }
    }

    /** Fills {@code blocks} random 128-bit blocks starting at long offset {@code off}. */
    public void nextBlocks(long[] dst, int off, int blocks) {
        nextLongs(dst, off, 2 * blocks);
    }

    public long nextLong() {
        long[] one = new long[1];
        nextLongs(one, 0, 1);
        return one[0];
    }

    public boolean nextBoolean() {
        return (nextLong() & 1) != 0;
    }

    /** Uniform in {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("prg: bound " + bound + " must be positive");
        }
        int limit = Integer.MAX_VALUE - (Integer.MAX_VALUE % bound);
        while (true) {
            int v = (int) (nextLong() >>> 33);
            if (v < limit) {
                return v % bound;
            }
        }
    }

    /** {@code bits} random bits packed into longs (bits beyond {@code bits} in the last long are zero). */
    public long[] nextBits(int bits) {
        long[] v = new long[Blocks.longsForBits(bits)];
        nextLongs(v, 0, v.length);
        if ((bits & 63) != 0) {
            v[v.length - 1] &= (1L << (bits & 63)) - 1;
        }
        return v;
    }
}
