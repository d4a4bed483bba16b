package io.angler.node.requester;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.control.ControlClient;
import io.angler.node.protocol.Message;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Renews and releases the leases on the requester's record, each over a connection that pins the
 * fingerprint of the provider that granted it, with the requester's own identity (the one the
 * provider knows the lease's owner by).
 */
public final class LeaseClient {
    private final TlsIdentity identity;
    private final HeldLeases held;
    private final Duration timeout;

    public LeaseClient(TlsIdentity identity, HeldLeases held, Duration timeout) {
        this.identity = identity;
        this.held = held;
        this.timeout = timeout;
    }

    /** What became of a lease the provider no longer has. */
    public static final class LeaseGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LeaseGoneException(String message) {
            super(message);
        }
    }

    /** Which credential a renewal asks for. */
    public enum Credential {
        /** The kind the lease's kubeconfig holds now: a certificate if it has a client key, else a token. */
        AS_BEFORE,
        TOKEN,
        /** A client certificate for the lease's key pair (a new one if its kubeconfig has none). */
        CERTIFICATE
    }

    /**
     * A renewal's outcome.
     *
     * @param lease the lease as now recorded
     * @param kubeconfig the file the new kubeconfig was written to
     * @param certificate whether it holds a client certificate (else a token)
     */
    public record Renewed(HeldLease lease, Path kubeconfig, boolean certificate) {
    }

    /**
     * Extends a lease to {@code length} from now (the provider clamps it into its limits and never
     * shortens it), with credentials that last until the new expiry: the new kubeconfig replaces
     * the lease's kubeconfig file (atomically, mode 0600) and the record gets the new expiry.
     *
     * <p>For a client certificate, a new CSR is made with the key already in the lease's kubeconfig,
     * so the key pair stays the one made at the claim and never travels.
     *
     * @throws LeaseGoneException if the provider no longer has it (it expired or was released);
     *     it is then removed from the record
     * @throws IOException if the provider cannot be reached or is not the one that granted it
     * @throws IllegalArgumentException if the lease's kubeconfig cannot be read for its key
     */
    public Renewed renew(String leaseId, Duration length, Credential credential) throws IOException {
        HeldLease l = held.get(leaseId);
        Path file = Path.of(l.kubeconfig());
        Optional<String> existingKey;
        try {
            existingKey = credential == Credential.TOKEN ? Optional.empty() : KubeconfigFiles.privateKeyPem(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", so the kind of credential it held is unknown;"
                    + " renew with --token or --csr (which makes a new key pair)", e);
        }
        ClientKey key = null;
        if (credential == Credential.CERTIFICATE || existingKey.isPresent()) {
            key = existingKey.map(pem -> ClientKey.withKey(leaseId, pem)).orElseGet(() -> ClientKey.forLease(leaseId));
        }
        CredentialRequest request = key == null ? new CredentialRequest.ServiceAccountToken()
                : new CredentialRequest.ClientCertificate(key.csrPem());
        Message.RenewReply reply;
        try (ControlClient c = connect(l)) {
            reply = c.renew(leaseId, length, request);
        } catch (ProtocolException e) {
            throw gone(l, e);
        }
        HeldLease renewed = l.withExpiry(Instant.ofEpochMilli(reply.expiresAtEpochMs()));
        // The provider has renewed: the record says so even if the file cannot be written.
        held.put(List.of(renewed));
        try {
            KubeconfigFiles.writeTo(file, reply.kubeconfig(), key);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new IllegalStateException("lease " + leaseId + " was renewed until " + renewed.expiresAt()
                    + ", but its new kubeconfig could not be written to " + file + ": " + e.getMessage()
                    + "; run `angler lease renew " + leaseId + "` again to get it", e);
        }
        return new Renewed(renewed, file, key != null);
    }

    /**
     * Ends a lease now: the provider deletes the namespace and the units return to its offer; the
     * lease leaves the record.
     *
     * @throws LeaseGoneException if the provider had already ended it (removed from the record too)
     */
    public void release(String leaseId) throws IOException {
        HeldLease l = held.get(leaseId);
        try (ControlClient c = connect(l)) {
            c.release(leaseId);
            held.remove(leaseId);
        } catch (ProtocolException e) {
            throw gone(l, e);
        }
    }

    private ControlClient connect(HeldLease l) throws IOException {
        return ControlClient.connect(identity, l.providerEndpoint(), l.providerFingerprint(), timeout);
    }

    private RuntimeException gone(HeldLease l, ProtocolException e) {
        if (e.code() == ErrorCode.NOT_FOUND) {
            held.remove(l.leaseId());
            return new LeaseGoneException("the provider no longer has lease " + l.leaseId() + " (it expired at "
                    + l.expiresAt() + " or was released); removed from the record");
        }
        return e;
    }
}
