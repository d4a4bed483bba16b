package io.angler.node.provider;

import io.angler.core.geo.Geohash;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's presence on the pool's DHT: its own DHT node, and each offer's pool keys announced
 * (at the offer's precisions) with the control port, so a requester's lookup answers with the
 * endpoint it probes. Joining and the first announce run in the background and are retried every
 * few seconds until every key is stored somewhere (a provider may start before its bootstrap node);
 * after that the {@link Announcer} re-announces on its own schedule. Closing withdraws the offers:
 * they stop being announced and vanish from lookups within the pool's expiry.
 */
final class OfferAnnouncer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OfferAnnouncer.class);
    static final Duration RETRY = Duration.ofSeconds(3);
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);

    private final DhtNode node;
    private final Announcer announcer;
    private final List<OfferConfig> offers;
    private final Thread worker;
    private final CountDownLatch announced = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile String lastProblem = "not announced yet";

    private OfferAnnouncer(DhtNode node, Announcer announcer, List<OfferConfig> offers) {
        this.node = node;
        this.announcer = announcer;
        this.offers = List.copyOf(offers);
        this.worker = new Thread(this::announceUntilStored, "angler-announce-" + node.endpoint().getPort());
        this.worker.setDaemon(true);
    }

    /**
     * Starts the DHT node (state in {@code dataDir}) and begins announcing.
     *
     * @param controlPort the control endpoint's port: what requesters find
     * @throws DhtException if the DHT node cannot start (address in use, data directory locked)
     */
    static OfferAnnouncer start(DhtSettings settings, Path dataDir, List<OfferConfig> offers, int controlPort) {
        InetSocketAddress bind = settings.bindAddress();
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (HostPort b : settings.bootstrap()) {
            bootstrap.add(b.toAddress());
        }
        Geohash location = offers.get(0).offer().location();
        DhtConfig config = new DhtConfig(dataDir, bind, bootstrap, location,
                Math.min(DhtConfig.DEFAULT_ID_PRECISION, location.precision()), settings.expiry());
        DhtNode node = DhtNode.start(config);
        OfferAnnouncer a;
        try {
            a = new OfferAnnouncer(node, new Announcer(node, controlPort), offers);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        a.worker.start();
        return a;
    }

    /** The UDP endpoint of this provider's DHT node. */
    InetSocketAddress endpoint() {
        return node.endpoint();
    }

    /**
     * Waits until every offer's keys were stored at least once.
     *
     * @return false if that did not happen within {@code timeout}
     */
    boolean awaitAnnounced(Duration timeout) throws InterruptedException {
        return announced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean announced() {
        return announced.getCount() == 0;
    }

    /** Why the offers are not announced yet (for the health check and the log). */
    String problem() {
        return announced() ? "" : lastProblem;
    }

    private void announceUntilStored() {
        int failures = 0;
        while (!closed) {
            try {
                node.awaitBootstrap(RETRY);
                for (OfferConfig oc : offers) {
                    announcer.announce(oc.offer().name(), oc.poolKeys()).get(ROUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                announced.countDown();
                log.info("offers announced on the DHT from {}: {}", node.endpoint(),
                        offers.stream().map(ProviderNode::describe).toList());
                return;
            } catch (InterruptedException e) {
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (closed) {
                    return;
                }
                lastProblem = String.valueOf(cause.getMessage());
                // Said once at WARN; a pool's first node may wait long for a peer, so later retries go to INFO.
                if (failures++ == 0) {
                    log.warn("announcing offers failed, retrying every {} s: {}", RETRY.toSeconds(), lastProblem);
                } else {
                    log.info("announcing offers failed again ({}): {}", failures, lastProblem);
                }
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Withdraws every offer and stops the DHT node. */
    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        for (OfferConfig oc : offers) {
            announcer.withdraw(oc.offer().name());
        }
        announcer.close();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.close();
    }
}
