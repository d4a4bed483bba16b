package io.angler.node.protocol;

import io.angler.core.placement.PlacementMode;
import io.angler.node.provision.CredentialRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The control protocol's messages (docs/protocol.md). Every constructor validates its fields, so a
 * message that exists is a valid message, whether built locally or decoded from the wire; an
 * invalid field is an {@link IllegalArgumentException} naming the message and the field.
 */
public sealed interface Message {
    /**
     * The protocol version this build speaks. Both ends must speak the same one: any change to a
     * message's fields is a new version (2 added credentials to {@link Renew} and a kubeconfig to
     * {@link RenewReply}). {@link Error} has the same layout in every version, so a node can tell a
     * peer of another version why it refuses (see {@link FrameCodec}).
     */
    int VERSION = 2;
    /** The oldest version whose {@link Error} frames this build reads and answers in. */
    int OLDEST_KNOWN_VERSION = 1;
    int MAX_PARTIES = 64;
    int MAX_HOST = 253;
    int MAX_SOFTWARE = 64;
    int MAX_REASON = 1024;
    int MAX_CSR = 16 * 1024;
    int MAX_KUBECONFIG = 48 * 1024;
    long MAX_LEASE_SECONDS = 10L * 366 * 24 * 3600;

    Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
    Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    Pattern HOST = Pattern.compile("[A-Za-z0-9.:%-]{1,253}");
    Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]*");

    /** Requester to provider: who are you, and how far away? Answered by {@link ProbeReply}. */
    record Probe(long nonce) implements Message {
    }

    /**
     * Provider to requester. Carries nothing about capacity or price.
     *
     * @param nonce the probe's nonce, echoed
     * @param fingerprint the provider's certificate fingerprint (must match the TLS session's)
     * @param mpcPort the port its MPC endpoint listens on, on the same host as the control endpoint
     * @param software a short printable version string, for diagnostics
     */
    record ProbeReply(long nonce, String fingerprint, int mpcPort, String software) implements Message {
        public ProbeReply {
            check(HEX64, fingerprint, "ProbeReply.fingerprint", "64 lower-case hex digits");
            checkPort(mpcPort, "ProbeReply.mpcPort");
            printable(software, MAX_SOFTWARE, "ProbeReply.software");
        }
    }

    /**
     * One party of a session: where its MPC endpoint is and which certificate it must present.
     *
     * @param host host name or IP literal
     * @param port MPC port
     * @param fingerprint SHA-256 fingerprint of its certificate
     */
    record Party(String host, int port, String fingerprint) {
        public Party {
            check(HOST, host, "Party.host", "a host name or IP address");
            checkPort(port, "Party.port");
            check(HEX64, fingerprint, "Party.fingerprint", "64 lower-case hex digits");
        }
    }

    /**
     * Requester to each chosen provider: the session it is asked to join.
     *
     * @param sessionId 128 random bits, hex
     * @param poolKey the pool key (160 bits, hex) that selects the provider's offer
     * @param mode the placement mode
     * @param unitBits width of units in the circuit
     * @param priceBits width of prices in the circuit
     * @param parties every party in session order: the requester first, then the providers
     * @param deadlineEpochMs when the session ends if it has not finished, ms since the epoch
     */
    record SessionSetup(String sessionId, String poolKey, PlacementMode mode, int unitBits, int priceBits,
                        List<Party> parties, long deadlineEpochMs) implements Message {
        public SessionSetup {
            check(HEX32, sessionId, "SessionSetup.sessionId", "32 lower-case hex digits");
            check(HEX40, poolKey, "SessionSetup.poolKey", "40 lower-case hex digits");
            if (mode == null) {
                throw new IllegalArgumentException("SessionSetup.mode: is missing");
            }
            if (unitBits < 1 || unitBits > 32 || priceBits < 1 || priceBits > 62) {
                throw new IllegalArgumentException("SessionSetup: unit bits " + unitBits + " / price bits " + priceBits
                        + " are outside 1..32 / 1..62");
            }
            if (parties == null || parties.size() < 2 || parties.size() > MAX_PARTIES) {
                throw new IllegalArgumentException("SessionSetup.parties: " + (parties == null ? 0 : parties.size())
                        + " parties, a session has 2.." + MAX_PARTIES);
            }
            parties = List.copyOf(parties);
            Set<String> seen = new HashSet<>();
            for (Party p : parties) {
                if (!seen.add(p.fingerprint())) {
                    throw new IllegalArgumentException("SessionSetup.parties: fingerprint " + p.fingerprint().substring(0, 16)
                            + "... appears twice");
                }
            }
            if (deadlineEpochMs <= 0) {
                throw new IllegalArgumentException("SessionSetup.deadline: " + deadlineEpochMs + " is not a time");
            }
        }

        /** The 1-based party index of the party with this fingerprint, or -1. */
        public int indexOf(String fingerprint) {
            for (int i = 0; i < parties.size(); i++) {
                if (parties.get(i).fingerprint().equals(fingerprint)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Provider to requester: it joins the session as party {@code partyIndex} (1..K). */
    record SetupAck(String sessionId, int partyIndex) implements Message {
        public SetupAck {
            check(HEX32, sessionId, "SetupAck.sessionId", "32 lower-case hex digits");
            if (partyIndex < 1 || partyIndex >= MAX_PARTIES) {
                throw new IllegalArgumentException("SetupAck.partyIndex: " + partyIndex + " is outside 1.." + (MAX_PARTIES - 1));
            }
        }
    }

    /** Provider to requester: it does not join, and why (never for lack of capacity). */
    record SetupReject(String sessionId, ErrorCode code, String reason) implements Message {
        public SetupReject {
            check(HEX32, sessionId, "SetupReject.sessionId", "32 lower-case hex digits");
            if (code == null) {
                throw new IllegalArgumentException("SetupReject.code: is missing");
            }
            text(reason, MAX_REASON, "SetupReject.reason");
        }
    }

    /**
     * Requester to a winner: hand over the allocation.
     *
     * @param sessionId the session it won
     * @param leaseSeconds the lease length asked for (the provider clamps it into its limits)
     * @param credentials how the requester wants to authenticate
     */
    record Claim(String sessionId, long leaseSeconds, CredentialRequest credentials) implements Message {
        public Claim {
            check(HEX32, sessionId, "Claim.sessionId", "32 lower-case hex digits");
            checkSeconds(leaseSeconds, "Claim.leaseSeconds");
            checkCredentials(credentials, "Claim.credentials");
        }
    }

    /** Winner to requester: the lease and the kubeconfig for its namespace. */
    record ClaimReply(String leaseId, String namespace, long expiresAtEpochMs, long units, long price,
                      String kubeconfig) implements Message {
        public ClaimReply {
            check(DNS_LABEL, leaseId, "ClaimReply.leaseId", "a DNS label");
            check(DNS_LABEL, namespace, "ClaimReply.namespace", "a DNS label");
            if (expiresAtEpochMs <= 0 || units < 1 || price < 0) {
                throw new IllegalArgumentException("ClaimReply: expiry " + expiresAtEpochMs + ", units " + units
                        + " and price " + price + " must be a time, at least 1 and not negative");
            }
            text(kubeconfig, MAX_KUBECONFIG, "ClaimReply.kubeconfig");
        }
    }

    /**
     * Requester to provider: extend a lease to {@code seconds} from now, and issue credentials
     * that last until the new expiry.
     *
     * @param leaseId the lease
     * @param seconds the length asked for, from now (the provider clamps it and never shortens)
     * @param credentials what to issue, as in a {@link Claim}: a token, or a certificate for a new
     *     CSR (made with the lease's key pair; the key never travels)
     */
    record Renew(String leaseId, long seconds, CredentialRequest credentials) implements Message {
        public Renew {
            check(DNS_LABEL, leaseId, "Renew.leaseId", "a DNS label");
            checkSeconds(seconds, "Renew.seconds");
            checkCredentials(credentials, "Renew.credentials");
        }
    }

    /**
     * Provider to requester: the lease's expiry after the renewal, and a kubeconfig whose
     * credentials last until then (for a certificate, without the key, as in a {@link ClaimReply}).
     */
    record RenewReply(String leaseId, long expiresAtEpochMs, String kubeconfig) implements Message {
        public RenewReply {
            check(DNS_LABEL, leaseId, "RenewReply.leaseId", "a DNS label");
            if (expiresAtEpochMs <= 0) {
                throw new IllegalArgumentException("RenewReply.expiresAt: " + expiresAtEpochMs + " is not a time");
            }
            text(kubeconfig, MAX_KUBECONFIG, "RenewReply.kubeconfig");
        }
    }

    /** Requester to provider: end a lease now. */
    record Release(String leaseId) implements Message {
        public Release {
            check(DNS_LABEL, leaseId, "Release.leaseId", "a DNS label");
        }
    }

    record ReleaseReply(String leaseId) implements Message {
        public ReleaseReply {
            check(DNS_LABEL, leaseId, "ReleaseReply.leaseId", "a DNS label");
        }
    }

    /**
     * Requester to a provider of a session: end it. Before the result, the provider stops its side
     * of the placement; after it, a win is declined. Either way the provider releases what the
     * session held. A lease already claimed is not touched (that is {@link Release}). Answered by
     * {@link AbortReply} whether or not there was anything left to end, so the reply says nothing.
     */
    record Abort(String sessionId) implements Message {
        public Abort {
            check(HEX32, sessionId, "Abort.sessionId", "32 lower-case hex digits");
        }
    }

    record AbortReply(String sessionId) implements Message {
        public AbortReply {
            check(HEX32, sessionId, "AbortReply.sessionId", "32 lower-case hex digits");
        }
    }

    /** Either side: the request was refused, and why. */
    record Error(ErrorCode code, String message) implements Message {
        public Error {
            if (code == null) {
                throw new IllegalArgumentException("Error.code: is missing");
            }
            message = message == null ? "" : message;
            if (message.length() > MAX_REASON) {
                message = message.substring(0, MAX_REASON);
            }
        }
    }

    private static void check(Pattern p, String value, String field, String expected) {
        if (value == null || value.length() > MAX_HOST || !p.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": " + shown(value) + " is not " + expected);
        }
    }

    private static void checkCredentials(CredentialRequest credentials, String field) {
        if (credentials == null) {
            throw new IllegalArgumentException(field + ": is missing");
        }
        if (credentials instanceof CredentialRequest.ClientCertificate c && c.csrPem().length() > MAX_CSR) {
            throw new IllegalArgumentException(field + ": the CSR is longer than " + MAX_CSR + " characters");
        }
    }

    private static void checkPort(int port, String field) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(field + ": " + port + " is outside 1..65535");
        }
    }

    private static void checkSeconds(long s, String field) {
        if (s < 1 || s > MAX_LEASE_SECONDS) {
            throw new IllegalArgumentException(field + ": " + s + " is outside 1.." + MAX_LEASE_SECONDS);
        }
    }

    private static void printable(String s, int max, String field) {
        if (s == null || s.length() > max || !PRINTABLE.matcher(s).matches()) {
            throw new IllegalArgumentException(field + ": must be at most " + max + " printable ASCII characters");
        }
    }

    private static void text(String s, int max, String field) {
        if (s == null || s.length() > max) {
            throw new IllegalArgumentException(field + ": is missing or longer than " + max + " characters");
        }
    }

    private static String shown(String s) {
        if (s == null) {
            return "(missing)";
        }
        String t = s.length() > 24 ? s.substring(0, 24) + "..." : s;
        return "'" + t.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
