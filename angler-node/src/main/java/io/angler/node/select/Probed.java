package io.angler.node.select;

import java.net.InetSocketAddress;

/**
 * A candidate provider after its probe: where it is, who it is, and how far.
 *
 * @param endpoint its control endpoint (from discovery)
 * @param fingerprint SHA-256 fingerprint of its certificate, as seen in the probe's TLS handshake
 * @param rttMs round-trip time measured by the probe, ms
 */
public record Probed(InetSocketAddress endpoint, String fingerprint, double rttMs) {
    public Probed {
        if (endpoint == null || fingerprint == null) {
            throw new IllegalArgumentException("candidate: endpoint and fingerprint are required");
        }
        if (!(rttMs >= 0) || !Double.isFinite(rttMs)) {
            throw new IllegalArgumentException("candidate " + endpoint + ": rtt " + rttMs + " is not a time");
        }
    }
}
