package io.angler.node.provider;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.dht.Announcer;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtException;
import io.angler.dht.DhtNode;
import io.angler.node.config.DhtSettings;
import io.angler.node.config.HostPort;
import io.angler.node.config.OfferConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's presence on the pool's DHT: its own DHT node, and each offer's pool keys announced
 * (at the offer's precisions) with the control port, so a requester's lookup answers with the
 * endpoint it probes. Offers can be announced and withdrawn while it runs. Each offer's first
 * announce runs in the background and is retried every few seconds until every key is stored
 * somewhere (a provider may start before its bootstrap node); after that the {@link Announcer}
 * re-announces on its own schedule. A withdrawn offer (and every offer, on close) stops being
 * announced and vanishes from lookups within the pool's expiry.
 */
final class OfferAnnouncer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OfferAnnouncer.class);
    static final Duration RETRY = Duration.ofSeconds(3);
    /**
     * An announce is two traversals, and libtorrent gives up on a query to a node that left only
     * after 15 s: after a restart, the provider's previous DHT node is such a node, among the
     * closest to its own keys. Long enough for both traversals to meet it.
     */
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(40);

    private final DhtNode node;
    private final Announcer announcer;
    /** The offers announced now, by name; guarded by {@code this}. */
    private final Map<String, Entry> offers = new LinkedHashMap<>();
    private final Thread worker;
    private volatile boolean closed;

    /** One offer's announcement: stored once its first announce reached the DHT. */
    private static final class Entry {
        OfferConfig offer;
        boolean stored;
        String problem = "not announced yet";
        int failures;

        Entry(OfferConfig offer) {
            this.offer = offer;
        }
    }

    private OfferAnnouncer(DhtNode node, Announcer announcer) {
        this.node = node;
        this.announcer = announcer;
        this.worker = new Thread(this::announceUntilStored, "angler-announce-" + node.endpoint().getPort());
        this.worker.setDaemon(true);
    }

    /**
     * Starts the DHT node (state in {@code dataDir}) and begins announcing.
     *
     * @param location the node's place: the leading bits of its DHT node ID are this cell's
     * @param controlPort the control endpoint's port: what requesters find
     * @throws DhtException if the DHT node cannot start (address in use, data directory locked)
     */
    static OfferAnnouncer start(DhtSettings settings, Path dataDir, Geohash location, List<OfferConfig> offers,
                                int controlPort) {
        InetSocketAddress bind = settings.bindAddress();
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (HostPort b : settings.bootstrap()) {
            bootstrap.add(b.toAddress());
        }
        DhtConfig config = new DhtConfig(dataDir, bind, bootstrap, location,
                Math.min(DhtConfig.DEFAULT_ID_PRECISION, location.precision()), settings.expiry());
        DhtNode node = DhtNode.start(config);
        OfferAnnouncer a;
        try {
            a = new OfferAnnouncer(node, new Announcer(node, controlPort));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        for (OfferConfig oc : offers) {
            a.announce(oc);
        }
        a.worker.start();
        return a;
    }

    /** The UDP endpoint of this provider's DHT node. */
    InetSocketAddress endpoint() {
        return node.endpoint();
    }

    /**
     * Announces an offer, or replaces the offer of that name. Keys it announced before and no longer
     * has stop being announced; when its keys did not change nothing is announced again.
     */
    synchronized void announce(OfferConfig oc) {
        String name = oc.offer().name();
        Entry old = offers.get(name);
        if (old != null && old.offer.poolKeys().equals(oc.poolKeys())) {
            old.offer = oc; // the same keys: an announce under way or done stays valid
            return;
        }
        offers.put(name, new Entry(oc));
        notifyAll();
    }

    /** Stops announcing the offer. Idempotent. */
    synchronized void withdraw(String offerName) {
        offers.remove(offerName);
        announcer.withdraw(offerName);
        notifyAll();
    }

    /**
     * Waits until every offer's keys were stored at least once.
     *
     * @return false if that did not happen within {@code timeout}
     */
    synchronized boolean awaitAnnounced(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!announced()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Whether every offer's keys were stored at least once (true with no offers). */
    synchronized boolean announced() {
        return offers.values().stream().allMatch(e -> e.stored);
    }

    /** Why some offer is not announced yet (for the health check and the log), or "". */
    synchronized String problem() {
        return offers.values().stream().filter(e -> !e.stored).map(e -> e.problem).findFirst().orElse("");
    }

    /**
     * Why this offer is not announced yet, or "" once it is (or when it is not announced at all).
     */
    synchronized String problem(String offerName) {
        Entry e = offers.get(offerName);
        return e == null || e.stored ? "" : e.problem;
    }

    private void announceUntilStored() {
        int failures = 0;
        while (!closed) {
            try {
                List<Entry> pending;
                synchronized (this) {
                    while (!closed && offers.values().stream().allMatch(e -> e.stored)) {
                        wait();
                    }
                    pending = offers.values().stream().filter(e -> !e.stored).toList();
                }
                if (closed) {
                    return;
                }
                node.awaitBootstrap(RETRY);
                failures = 0;
                boolean failed = false;
                for (Entry e : pending) {
                    failed |= !announceOnce(e);
                }
                if (failed) {
                    synchronized (this) {
                        wait(RETRY.toMillis());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The DHT node has not joined yet: every pending offer waits for it.
                if (closed) {
                    return;
                }
                String problem = String.valueOf(e.getMessage());
                synchronized (this) {
                    for (Entry pending : offers.values()) {
                        if (!pending.stored) {
                            pending.problem = problem;
                        }
                    }
                }
                logFailure("announcing offers", problem, failures++);
                try {
                    synchronized (this) {
                        wait(RETRY.toMillis());
                    }
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Announces one pending offer once; true when its keys were stored (or it changed meanwhile). */
    private boolean announceOnce(Entry e) throws InterruptedException {
        String name = e.offer.offer().name();
        List<PoolKey> keys = e.offer.poolKeys();
        CompletableFuture<Void> round;
        synchronized (this) {
            // Under the lock, so that a withdraw cannot slip between the check and the announce
            // (the Announcer would then go on announcing an offer that was withdrawn).
            if (offers.get(name) != e) {
                return true;
            }
            round = announcer.announce(name, keys);
        }
        try {
            round.get(ROUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException ex) {
            Throwable cause = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
            String problem = String.valueOf(cause.getMessage());
            int before = -1;
            synchronized (this) {
                if (offers.get(name) == e) {
                    e.problem = problem;
                    before = e.failures++;
                }
            }
            if (!closed && before >= 0) {
                logFailure("announcing offer " + name, problem, before);
            }
            return false;
        }
        synchronized (this) {
            if (offers.get(name) == e) {
                e.stored = true;
                e.problem = "";
                notifyAll();
            }
        }
        log.info("offer announced on the DHT from {}: {}", node.endpoint(), ProviderNode.describe(e.offer));
        return true;
    }

    private static void logFailure(String what, String problem, int failuresBefore) {
        // Said once at WARN; a pool's first node may wait long for a peer, so later retries go to INFO.
        if (failuresBefore == 0) {
            log.warn("{} failed, retrying every {} s: {}", what, RETRY.toSeconds(), problem);
        } else {
            log.info("{} failed again ({}): {}", what, failuresBefore, problem);
        }
    }

    /** Withdraws every offer and stops the DHT node. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (String name : new ArrayList<>(offers.keySet())) {
                announcer.withdraw(name);
            }
            offers.clear();
            notifyAll();
        }
        worker.interrupt();
        announcer.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
    }
}
