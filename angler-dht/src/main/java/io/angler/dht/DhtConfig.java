package io.angler.dht;

import io.angler.core.geo.Geohash;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one DHT node runs.
 *
 * @param dataDir where the node keeps its ID and routing state across restarts (created if missing;
 *     one node per directory)
 * @param bind the UDP address and port to listen on; the address must be the one other nodes reach
 *     this node at (not 0.0.0.0), port 0 lets the OS choose
 * @param bootstrap nodes to join the pool through; empty for the pool's first (bootstrap) node
 * @param location where this node is; the leading {@code 5 * idPrecision} bits of its node ID are
 *     this cell's bits
 * @param idPrecision how many geohash characters of {@code location} go into the node ID (1 to the
 *     location's precision)
 * @param expiry how long a withdrawn offer may still be found; every node of a pool must use the
 *     same value (see {@link Epochs})
 */
public record DhtConfig(Path dataDir, InetSocketAddress bind, List<InetSocketAddress> bootstrap, Geohash location,
                        int idPrecision, Duration expiry) {
    /** Node IDs carry at most this many geohash characters by default (about 1.2 km x 0.6 km). */
    public static final int DEFAULT_ID_PRECISION = 6;
    /** The default expiry: a withdrawn offer disappears from lookups within 30 minutes. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(30);
    public static final Duration MIN_EXPIRY = Duration.ofSeconds(2);
    public static final Duration MAX_EXPIRY = Duration.ofHours(24);
    public static final int MAX_BOOTSTRAP_NODES = 64;

    public DhtConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dht: a data directory is required");
        }
        if (bind == null) {
            throw new IllegalArgumentException("dht: a bind address is required (example: 127.0.0.1:6881)");
        }
        if (bind.isUnresolved()) {
            throw new IllegalArgumentException("dht: bind address " + bind.getHostString() + " does not resolve");
        }
        if (bind.getAddress().isAnyLocalAddress() || bind.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException("dht: bind address " + bind.getAddress().getHostAddress()
                    + " is not a unicast address of this host; give the address other nodes reach this node at");
        }
        bootstrap = bootstrap == null ? List.of() : List.copyOf(bootstrap);
        if (bootstrap.size() > MAX_BOOTSTRAP_NODES) {
            throw new IllegalArgumentException("dht: " + bootstrap.size() + " bootstrap nodes given, at most "
                    + MAX_BOOTSTRAP_NODES + " are allowed");
        }
        for (InetSocketAddress b : bootstrap) {
            if (b.getPort() == 0) {
                throw new IllegalArgumentException("dht: bootstrap node " + b.getHostString() + " has no port");
            }
        }
        if (location == null) {
            throw new IllegalArgumentException("dht: a location (geohash) is required");
        }
        if (idPrecision < 1 || idPrecision > location.precision()) {
            throw new IllegalArgumentException("dht: node ID precision " + idPrecision + " is outside 1.."
                    + location.precision() + " (the location's precision)");
        }
        if (expiry == null || expiry.compareTo(MIN_EXPIRY) < 0 || expiry.compareTo(MAX_EXPIRY) > 0) {
            throw new IllegalArgumentException("dht: expiry " + expiry + " is outside " + MIN_EXPIRY + ".." + MAX_EXPIRY);
        }
    }

    /** A node with the default ID precision (at most 6 characters) and expiry (30 minutes). */
    public static DhtConfig of(Path dataDir, InetSocketAddress bind, List<InetSocketAddress> bootstrap,
                               Geohash location) {
        if (location == null) {
            throw new IllegalArgumentException("dht: a location (geohash) is required");
        }
        return new DhtConfig(dataDir, bind, bootstrap, location, Math.min(DEFAULT_ID_PRECISION, location.precision()),
                DEFAULT_EXPIRY);
    }

    public DhtConfig withExpiry(Duration newExpiry) {
        return new DhtConfig(dataDir, bind, bootstrap, location, idPrecision, newExpiry);
    }

    public DhtConfig withBootstrap(List<InetSocketAddress> nodes) {
        return new DhtConfig(dataDir, bind, nodes, location, idPrecision, expiry);
    }

    /** The epochs this pool's keys rotate on. */
    public Epochs epochs() {
        return new Epochs(expiry);
    }
}
