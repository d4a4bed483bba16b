package io.angler.mpc.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 under a fixed, public key, used as a random permutation π, batched through the JCA
 * (which uses AES-NI where the CPU has it). From π come the hashes that garbling and OT
 * extension need (Guo, Kolesnikov, Katz, Sarkar, Wang: "Efficient and Secure Multiparty
 * Computation from Fixed-Key Block Ciphers", S&P 2020):
 * <ul>
 *   <li>{@link #ccrHash}: H(x) = π(σ(x)) ⊕ σ(x) with σ(x_L || x_R) = (x_L ⊕ x_R) || x_L, circular
 *       correlation robust;</li>
 *   <li>{@link #tccrHash}: H(x, i) = π(π(x) ⊕ i) ⊕ π(x), tweakable circular correlation robust.</li>
 * </ul>
 * An instance is not thread-safe: one per protocol thread.
 */
public final class FixedKeyAes {
    /** The public key: the first 128 bits of the fractional part of pi. Any public constant will do. */
    private static final byte[] PUBLIC_KEY = {
        (byte) 0x24, (byte) 0x3f, (byte) 0x6a, (byte) 0x88, (byte) 0x85, (byte) 0xa3, (byte) 0x08, (byte) 0xd3,
        (byte) 0x13, (byte) 0x19, (byte) 0x8a, (byte) 0x2e, (byte) 0x03, (byte) 0x70, (byte) 0x73, (byte) 0x44,
    };
    private static final int CHUNK_BLOCKS = 4096;

    private final Cipher cipher;
    private final byte[] buf = new byte[CHUNK_BLOCKS * 16];
    private final long[] tmp = new long[CHUNK_BLOCKS * 2];

    public FixedKeyAes() {
        this(PUBLIC_KEY);
    }

    /** AES under {@code key} (16 bytes); for the PRG and tests. */
    public FixedKeyAes(byte[] key) {
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is required by every Java runtime", e);
        }
    }

    /** {@code out = π(in)} for {@code blocks} blocks (offsets in longs; in and out may be the same array). */
    public void permute(long[] in, int inOff, long[] out, int outOff, int blocks) {
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            Blocks.toBytes(in, inOff + 2 * done, 2 * n, buf, 0);
            try {
                cipher.update(buf, 0, n * 16, buf, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            Blocks.fromBytes(buf, 0, out, outOff + 2 * done, 2 * n);
        }
    }

    /**
     * {@code out = π(in)} on raw bytes (16 per block, {@code blocks} blocks; in and out may be the
     * same array): for callers that build their input as bytes and want no conversion passes.
     */
    public void permuteBytes(byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        try {
            cipher.update(in, inOff, blocks * 16, out, outOff);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Circular-correlation-robust hash: {@code out = π(σ(in)) ⊕ σ(in)}. */
    public void ccrHash(long[] in, int inOff, long[] out, int outOff, int blocks) {
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            for (int k = 0; k < n; k++) {
                long lo = in[inOff + 2 * (done + k)];
                long hi = in[inOff + 2 * (done + k) + 1];
                tmp[2 * k] = lo ^ hi;
                tmp[2 * k + 1] = lo;
            }
            int o = outOff + 2 * done;
            permute(tmp, 0, out, o, n);
            for (int k = 0; k < 2 * n; k++) {
                out[o + k] ^= tmp[k];
            }
        }
    }

    /**
     * Tweakable circular-correlation-robust hash: {@code out_k = π(π(in_k) ⊕ t_k) ⊕ π(in_k)} with
     * tweak block {@code t_k = (firstTweak + k, tweakHigh)}.
     */
    public void tccrHash(long[] in, int inOff, long firstTweak, long tweakHigh, long[] out, int outOff, int blocks) {
        for (int done = 0; done < blocks; done += CHUNK_BLOCKS) {
            int n = Math.min(CHUNK_BLOCKS, blocks - done);
            int o = outOff + 2 * done;
            permute(in, inOff + 2 * done, tmp, 0, n);
            for (int k = 0; k < n; k++) {
                out[o + 2 * k] = tmp[2 * k] ^ (firstTweak + done + k);
                out[o + 2 * k + 1] = tmp[2 * k + 1] ^ tweakHigh;
            }
            permute(out, o, out, o, n);
            for (int k = 0; k < 2 * n; k++) {
                out[o + k] ^= tmp[k];
            }
        }
    }
}
