package io.angler.dht;

import io.angler.core.geo.Geohash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * Many DHT nodes in one process, each its own libtorrent session on its own UDP port: what fills
 * a test network ({@code angler dht nodes}, the benchmark and the tests). Node {@code i} keeps its
 * state in {@code baseDir/node-i}.
 */
public final class DhtSwarm implements AutoCloseable {
    private final List<DhtNode> nodes = new CopyOnWriteArrayList<>();

    private DhtSwarm() {
    }

    /**
     * Starts one node per location, all on {@code host} with OS-chosen ports, joining through
     * {@code bootstrap}.
     *
     * @param progress told the number of nodes started so far, after each one
     */
    public static DhtSwarm start(Path baseDir, InetAddress host, List<InetSocketAddress> bootstrap,
                                 List<Geohash> locations, Duration expiry, IntConsumer progress) {
        DhtSwarm swarm = new DhtSwarm();
        try {
            for (int i = 0; i < locations.size(); i++) {
                Geohash location = locations.get(i);
                DhtConfig config = new DhtConfig(baseDir.resolve("node-" + i), new InetSocketAddress(host, 0), bootstrap,
                        location, Math.min(DhtConfig.DEFAULT_ID_PRECISION, location.precision()), expiry);
                swarm.nodes.add(DhtNode.start(config));
                if (progress != null) {
                    progress.accept(i + 1);
                }
            }
            return swarm;
        } catch (RuntimeException e) {
            swarm.close();
            throw e;
        }
    }

    public List<DhtNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public int size() {
        return nodes.size();
    }

    /** Waits until every node has joined; fails naming the first that could not. */
    public void awaitBootstrap(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (DhtNode n : nodes) {
            long left = Math.max(1, deadline - System.nanoTime());
            n.awaitBootstrap(Duration.ofNanos(left));
        }
    }

    /**
     * Runs the join lookup again on every node and gives the lookups {@code settle} to finish, so
     * that nodes that joined early learn about the ones that joined after them.
     */
    public void refresh(Duration settle) {
        for (DhtNode n : nodes) {
            n.refresh();
        }
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException("dht: interrupted while the network settles", e);
        }
    }

    /** Stops one node (a crash as far as the others can tell) and removes it from the swarm. */
    public void stop(DhtNode node) {
        if (nodes.remove(node)) {
            node.close();
        }
    }

    /** Stops every node, several at a time. */
    @Override
    public void close() {
        List<DhtNode> all = new ArrayList<>(nodes);
        nodes.clear();
        all.parallelStream().forEach(DhtNode::close);
    }
}
