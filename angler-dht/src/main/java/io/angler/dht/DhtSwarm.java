package io.angler.dht;

import io.angler.core.geo.Geohash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * Many DHT nodes in one process, each its own libtorrent session on its own UDP port: what fills
 * a test network ({@code angler dht nodes}, the benchmark and the tests). Node {@code i} keeps its
 * state in {@code baseDir/node-i}.
 */
public final class DhtSwarm implements AutoCloseable {
    /** Swarm nodes, besides the bootstrap nodes, that a new node is told about. */
    static final int EXTRA_CONTACTS = 3;
    private static final int REFRESH_BATCH = 20;
    private static final long REFRESH_PAUSE_MILLIS = 50;

    private final List<DhtNode> nodes = new CopyOnWriteArrayList<>();

    private DhtSwarm() {
    }

    /**
     * Starts one node per location, all on {@code host} with OS-chosen ports. Each joins through
     * {@code bootstrap} and up to {@link #EXTRA_CONTACTS} nodes of the swarm started before it, as
     * nodes that join a real pool over time know several of its members: 200 nodes that all join
     * through one node within a second would otherwise start with that node alone in their tables.
     *
     * @param progress told the number of nodes started so far, after each one
     */
    public static DhtSwarm start(Path baseDir, InetAddress host, List<InetSocketAddress> bootstrap,
                                 List<Geohash> locations, Duration expiry, IntConsumer progress) {
        DhtSwarm swarm = new DhtSwarm();
        Random random = new Random(locations.size());
        try {
            for (int i = 0; i < locations.size(); i++) {
                Geohash location = locations.get(i);
                List<InetSocketAddress> contacts = new ArrayList<>(bootstrap);
                for (int k = 0; k < EXTRA_CONTACTS && i > 0; k++) {
                    InetSocketAddress earlier = swarm.nodes.get(random.nextInt(i)).endpoint();
                    if (!contacts.contains(earlier)) {
                        contacts.add(earlier);
                    }
                }
                DhtConfig config = new DhtConfig(baseDir.resolve("node-" + i), new InetSocketAddress(host, 0), contacts,
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
     * Refreshes every node's routing table ({@link DhtNode#refresh()}), a batch of nodes at a time
     * so that no node is flooded, and gives the lookups {@code settle} to finish.
     */
    public void refresh(Duration settle) {
        try {
            List<DhtNode> all = new ArrayList<>(nodes);
            for (int i = 0; i < all.size(); i++) {
                all.get(i).refresh();
                if ((i + 1) % REFRESH_BATCH == 0) {
                    Thread.sleep(REFRESH_PAUSE_MILLIS);
                }
            }
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
