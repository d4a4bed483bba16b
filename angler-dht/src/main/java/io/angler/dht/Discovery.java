package io.angler.dht;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requester's side of discovery: looks its pool key up at the finest precision, then widens to
 * the 8 neighbouring cells, then to the own cell one precision coarser and its neighbours, and so
 * on, until it has the target number of distinct providers, reaches the coarsest precision or runs
 * out of time. The lookups of one step run in parallel.
 */
public final class Discovery {
    private final DhtNode node;

    public Discovery(DhtNode node) {
        if (node == null) {
            throw new IllegalArgumentException("discovery: a DHT node is required");
        }
        this.node = node;
    }

    /**
     * Candidate providers of {@code unit} near {@code location}, nearest first, each endpoint once
     * (at the finest precision it was found at).
     *
     * @throws DhtException if this node knows no other node or no node answers
     */
    public List<Candidate> find(ResourceUnit unit, Geohash location, SearchLimits limits) {
        return search(unit, location, limits).candidates();
    }

    /** Like {@link #find}, with every lookup's figures. */
    public Search search(ResourceUnit unit, Geohash location, SearchLimits limits) {
        if (unit == null || location == null || limits == null) {
            throw new IllegalArgumentException("discovery: unit, location and limits are required");
        }
        if (location.precision() < limits.finestPrecision()) {
            throw new IllegalArgumentException("discovery: location " + location + " has precision "
                    + location.precision() + ", coarser than the finest search precision " + limits.finestPrecision());
        }
        List<List<PoolKey>> steps = steps(PoolKey.searchOrder(unit, location, limits.finestPrecision(),
                limits.coarsestPrecision()), location);
        if (node.knownNodes() == 0) {
            throw new DhtException(node.noRoutingTable());
        }
        long start = System.nanoTime();
        Instant deadline = Instant.now().plus(limits.timeout());
        long epoch = node.epochs().epochAt(Instant.now());
        Map<InetSocketAddress, Candidate> found = new LinkedHashMap<>();
        List<Lookup> lookups = new ArrayList<>();
        boolean timedOut = false;
        for (List<PoolKey> step : steps) {
            if (!Instant.now().isBefore(deadline)) {
                timedOut = true;
                break;
            }
            List<Traversals.Op> ops = new ArrayList<>(step.size());
            for (PoolKey key : step) {
                ops.add(node.getPeers(Epochs.target(key, epoch)));
            }
            for (int i = 0; i < step.size(); i++) {
                PoolKey key = step.get(i);
                Lookup lookup = toLookup(key, node.await(ops.get(i), deadline));
                lookups.add(lookup);
                timedOut |= !lookup.complete();
                for (InetSocketAddress provider : lookup.providers()) {
                    found.putIfAbsent(provider, new Candidate(provider, key, key.precision()));
                }
            }
            if (found.size() >= limits.targetCandidates() || timedOut) {
                break;
            }
        }
        if (lookups.stream().allMatch(l -> l.responses() == 0)) {
            throw new DhtException("dht: no DHT node answered any of " + lookups.size() + " lookups within "
                    + limits.timeout().toMillis() + " ms; " + node.noRoutingTable().replaceFirst("^dht: ", ""));
        }
        return new Search(new ArrayList<>(found.values()), lookups, timedOut, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One lookup of one pool key in the current epoch. */
    public Lookup lookup(PoolKey key, Duration timeout) {
        if (key == null || timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("discovery: a key and a positive timeout are required");
        }
        if (node.knownNodes() == 0) {
            throw new DhtException(node.noRoutingTable());
        }
        Instant deadline = Instant.now().plus(timeout);
        long epoch = node.epochs().epochAt(Instant.now());
        return toLookup(key, node.await(node.getPeers(Epochs.target(key, epoch)), deadline));
    }

    private static Lookup toLookup(PoolKey key, Traversals.Traversal t) {
        return new Lookup(key, t.peers(), t.messages(), t.responses(), t.elapsed(), t.complete());
    }

    /**
     * Cuts the search order into steps: the own cell at one precision, then its neighbours at that
     * precision, and so on.
     */
    static List<List<PoolKey>> steps(List<PoolKey> order, Geohash location) {
        List<List<PoolKey>> steps = new ArrayList<>();
        List<PoolKey> current = new ArrayList<>();
        int currentPrecision = -1;
        boolean currentOwn = false;
        for (PoolKey key : order) {
            boolean own = key.cell().equals(location.prefix(key.precision()));
            if (!current.isEmpty() && (key.precision() != currentPrecision || own != currentOwn)) {
                steps.add(current);
                current = new ArrayList<>();
            }
            current.add(key);
            currentPrecision = key.precision();
            currentOwn = own;
        }
        if (!current.isEmpty()) {
            steps.add(current);
        }
        return steps;
    }
}
