package io.angler.node.lease;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Identifies one session at a provider: the requester's identity and the session id it chose.
 * Keyed by both so that a party that learns a session id cannot collide with it from another
 * identity.
 *
 * @param requester SHA-256 fingerprint of the requester's certificate, 64 lower-case hex digits
 * @param sessionId the session id from the setup, 32 lower-case hex digits (128 random bits)
 */
public record SessionKey(String requester, String sessionId) {
    public static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    public static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{32}");

    public SessionKey {
        if (requester == null || !FINGERPRINT.matcher(requester).matches()) {
            throw new IllegalArgumentException("requester identity is not a SHA-256 fingerprint (64 hex digits)");
        }
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("session id is not 32 lower-case hex digits");
        }
    }

    /**
     * The id of the lease this session's allocation becomes. Derived, so that a claim retried
     * after a crash or a lost reply finds the same lease instead of creating a second one.
     */
    public String leaseId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((requester + "/" + sessionId).getBytes(StandardCharsets.US_ASCII));
            return "l" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** The namespace provisioned for this session's lease. */
    public String namespace() {
        return namespaceFor(leaseId());
    }

    public static String namespaceFor(String leaseId) {
        return "angler-" + leaseId;
    }

    @Override
    public String toString() {
        return sessionId.substring(0, 8) + "@" + requester.substring(0, 8);
    }
}
