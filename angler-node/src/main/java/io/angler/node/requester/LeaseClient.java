package io.angler.node.requester;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.control.ControlClient;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.ProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

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

    /**
     * Extends a lease to {@code length} from now (the provider clamps it into its limits and never
     * shortens it); updates the record.
     *
     * @throws LeaseGoneException if the provider no longer has it (it expired or was released);
     *     it is then removed from the record
     * @throws IOException if the provider cannot be reached or is not the one that granted it
     */
    public HeldLease renew(String leaseId, Duration length) throws IOException {
        HeldLease l = held.get(leaseId);
        try (ControlClient c = connect(l)) {
            long expires = c.renew(leaseId, length).expiresAtEpochMs();
            HeldLease renewed = l.withExpiry(Instant.ofEpochMilli(expires));
            held.put(java.util.List.of(renewed));
            return renewed;
        } catch (ProtocolException e) {
            throw gone(l, e);
        }
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
