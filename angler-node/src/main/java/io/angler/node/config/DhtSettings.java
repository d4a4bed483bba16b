package io.angler.node.config;

import java.time.Duration;
import java.util.List;

/**
 * How a provider joins the pool's DHT to announce its offers.
 *
 * @param listen the UDP address of its DHT node; a wildcard host (0.0.0.0) is replaced at start by
 *     the address this host reaches the first bootstrap node from, since the DHT needs the address
 *     other nodes reach it at, and requesters contact the control port at that same address
 * @param bootstrap DHT nodes to join through (none only for a pool's first node)
 * @param expiry how long a withdrawn offer may still be found; the same for every node of a pool
 */
public record DhtSettings(HostPort listen, List<HostPort> bootstrap, Duration expiry) {
    public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(30);

    public DhtSettings {
        if (listen == null || expiry == null) {
            throw new IllegalArgumentException("dht: listen and expiry are required");
        }
        bootstrap = List.copyOf(bootstrap);
        if (expiry.compareTo(Duration.ofSeconds(2)) < 0 || expiry.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("dht: expiry " + expiry + " is outside 2s..24h");
        }
    }
}
