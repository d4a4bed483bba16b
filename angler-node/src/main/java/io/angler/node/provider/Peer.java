package io.angler.node.provider;

import java.net.InetAddress;

/**
 * The other end of a control connection, as the TLS handshake established it.
 *
 * @param fingerprint SHA-256 fingerprint of the certificate it presented
 * @param address its network address (for rate limiting)
 */
public record Peer(String fingerprint, InetAddress address) {
    public Peer {
        if (fingerprint == null || address == null) {
            throw new IllegalArgumentException("peer: fingerprint and address are required");
        }
    }
}
