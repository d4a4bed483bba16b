package io.angler.dht;

import io.angler.core.pool.PoolKey;
import java.net.InetSocketAddress;

/**
 * A provider found by discovery.
 *
 * @param endpoint the provider's control-plane (TLS) endpoint, as it announced it: the address its
 *     DHT node sent from and the service port it announced
 * @param key the pool key under which it was found first
 * @param precision that key's geohash precision (finer means nearer)
 */
public record Candidate(InetSocketAddress endpoint, PoolKey key, int precision) {
    public Candidate {
        if (endpoint == null || key == null) {
            throw new IllegalArgumentException("candidate: endpoint and key are required");
        }
        if (precision != key.precision()) {
            throw new IllegalArgumentException("candidate: precision " + precision + " differs from the key's "
                    + key.precision());
        }
    }
}
