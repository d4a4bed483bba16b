package io.angler.mpc.net;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a session's party listens and the fingerprint of the certificate it must present.
 *
 * @param address the party's MPC listener (host and port)
 * @param fingerprint SHA-256 of the party's DER certificate, normalised to 64 lowercase hex digits
 */
public record PartyEndpoint(InetSocketAddress address, String fingerprint) {
    public PartyEndpoint {
        Objects.requireNonNull(address, "address");
        fingerprint = TlsIdentity.normalizeFingerprint(Objects.requireNonNull(fingerprint, "fingerprint"));
    }
}
