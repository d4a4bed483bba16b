package io.angler.node.config;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

    /**
     * The UDP address to bind: {@code listen}, or for a wildcard host the local address this host
     * sends from towards the first bootstrap node that has a route (the address the pool will see).
     *
     * @throws IllegalArgumentException if the host is a wildcard and no bootstrap node gives a route
     */
    public static InetSocketAddress bindAddress(HostPort listen, List<HostPort> bootstrap) {
        if (!ProviderConfigLoader.isWildcard(listen.host())) {
            return listen.resolve();
        }
        for (HostPort b : bootstrap) {
            InetSocketAddress target = new InetSocketAddress(b.host(), b.port());
            if (target.isUnresolved()) {
                continue;
            }
            try (DatagramSocket probe = new DatagramSocket()) {
                probe.connect(target); // sends nothing: only asks the kernel for a route
                InetAddress local = probe.getLocalAddress();
                if (local != null && !local.isAnyLocalAddress()) {
                    return new InetSocketAddress(local, listen.port());
                }
            } catch (IOException e) {
                // no route this way; try the next bootstrap node
            }
        }
        throw new IllegalArgumentException("the DHT address is " + listen + " and no bootstrap node resolves to a route"
                + " from which this host's address could be taken; give the address other nodes reach this node at");
    }

    public InetSocketAddress bindAddress() {
        return bindAddress(listen, bootstrap);
    }
}
