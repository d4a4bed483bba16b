package io.angler.node.requester;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.Candidate;
import io.angler.dht.DhtNode;
import io.angler.dht.Discovery;
import io.angler.dht.SearchLimits;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where a requester's candidate providers come from: the pool's DHT (the normal case), or a fixed
 * list of control endpoints given by hand.
 */
@FunctionalInterface
public interface CandidateSource {
    /** Candidate providers of {@code unit} near {@code location}, nearest first. */
    List<Candidate> find(ResourceUnit unit, Geohash location, SearchLimits limits);

    /** A human-readable description for progress lines. */
    default String describe() {
        return "the DHT";
    }

    /** Discovery on the DHT through {@code node}: own cell first, widening (see {@link Discovery}). */
    static CandidateSource dht(DhtNode node) {
        Discovery d = new Discovery(node);
        return d::find;
    }

    /**
     * Fixed control endpoints, each taken to serve the pool key of the requester's own cell at the
     * finest search precision (the provider must announce that cell, or it refuses the set-up as
     * an unknown pool).
     */
    static CandidateSource fixed(List<InetSocketAddress> endpoints) {
        List<InetSocketAddress> copy = List.copyOf(new LinkedHashSet<>(endpoints));
        return new CandidateSource() {
            @Override
            public List<Candidate> find(ResourceUnit unit, Geohash location, SearchLimits limits) {
                PoolKey key = PoolKey.of(unit, location.prefix(limits.finestPrecision()));
                List<Candidate> out = new ArrayList<>();
                for (InetSocketAddress e : copy) {
                    out.add(new Candidate(e, key, key.precision()));
                }
                return out;
            }

            @Override
            public String describe() {
                return copy.size() + " given provider address" + (copy.size() == 1 ? "" : "es");
            }
        };
    }
}
