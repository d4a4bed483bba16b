package io.angler.mpc.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 commitments: {@code c = SHA-256("angler-commit" || party || r || data)} with 16 random
 * bytes r. Binding the committer's party index stops a party from replaying another's commitment
 * and opening as its own.
 */
public final class Commitment {
    public static final int RANDOMNESS_BYTES = 16;
    public static final int BYTES = 32;
    private static final byte[] DOMAIN = "angler-commit".getBytes(StandardCharsets.US_ASCII);

    private Commitment() {
    }

    /** The commitment to {@code data} by {@code party} with {@code randomness}. */
    public static byte[] commit(int party, byte[] randomness, byte[] data) {
        if (randomness.length != RANDOMNESS_BYTES) {
            throw new IllegalArgumentException("commitment: randomness must be " + RANDOMNESS_BYTES + " bytes");
        }
        MessageDigest sha = sha256();
        sha.update(DOMAIN);
        sha.update(new byte[] {(byte) party, (byte) (party >>> 8), (byte) (party >>> 16), (byte) (party >>> 24)});
        sha.update(randomness);
        sha.update(data);
        return sha.digest();
    }

    /** Whether ({@code randomness}, {@code data}) opens {@code commitment} made by {@code party}. */
    public static boolean verify(byte[] commitment, int party, byte[] randomness, byte[] data) {
        return randomness.length == RANDOMNESS_BYTES
                && MessageDigest.isEqual(commitment, commit(party, randomness, data));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
