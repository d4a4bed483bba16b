package io.angler.node.provider;

import io.angler.core.offer.Offer;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.ProviderView;
import io.angler.core.pool.PoolKey;
import io.angler.mpc.MpcAbortException;
import io.angler.node.config.OfferConfig;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.SessionSettings;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseKeeper;
import io.angler.node.lease.LedgerException;
import io.angler.node.lease.SessionInput;
import io.angler.node.lease.SessionKey;
import io.angler.node.limit.SessionRateLimiter;
import io.angler.node.metrics.NodeMetrics;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.Message;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's answers to the control protocol, independent of the transport: probe, session
 * setup (checks, rate limits, reservation, then the placement in the background), claim, renew
 * and release, and the requester's abort. The control server calls {@link #handle} with the peer
 * the TLS handshake authenticated.
 *
 * <p>What a setup is refused for, and what it is never refused for: a malformed or expired setup,
 * an unknown pool key, too many sessions at once (busy) or from one requester (rate limited). A
 * provider with no units left is never refused: it takes part with capacity 0 (SPEC 1.4).
 */
public final class ProviderSessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProviderSessions.class);
    public static final String SOFTWARE = "angler/" + Message.VERSION;
    /** Longest a claim waits for its session's result to be recorded here. */
    static final Duration CLAIM_WAIT = Duration.ofSeconds(10);

    private final String fingerprint;
    private final int mpcPort;
    /** The published offers by pool key (hex): read by every set-up, changed by publish and withdraw. */
    private final Map<String, Offer> offersByKey = new ConcurrentHashMap<>();
    /** Each published offer's pool keys; guarded by {@code this}. */
    private final Map<String, List<PoolKey>> keysByOffer = new HashMap<>();
    private final SessionSettings settings;
    private final LeaseKeeper keeper;
    private final SessionRateLimiter limiter;
    private final NodeMetrics metrics;
    private final SessionRunner runner;
    private final Clock clock;
    private final PlacementWidths widths = PlacementWidths.DEFAULT;
    private final AtomicInteger running = new AtomicInteger();
    private final ExecutorService sessions;
    /** The placements running now, so that the requester's abort can stop them. */
    private final Map<SessionKey, Placement> placements = new ConcurrentHashMap<>();
    private volatile SessionObserver observer = SessionObserver.NONE;

    /**
     * @param config the provider's configuration (offers and session bounds)
     * @param fingerprint this node's certificate fingerprint
     * @param mpcPort the port this node's MPC endpoint listens on
     * @param keeper the ledger and provisioner
     * @param limiter session rate limits
     * @param metrics where to count sessions
     * @param runner runs this provider's side of a placement; null for a node that serves its
     *     leases but takes part in no session (every setup is refused, saying so)
     * @param clock the time source (tests move it by hand)
     */
    public ProviderSessions(ProviderConfig config, String fingerprint, int mpcPort, LeaseKeeper keeper,
                            SessionRateLimiter limiter, NodeMetrics metrics, SessionRunner runner, Clock clock) {
        this(config.node().sessions(), config.offers(), fingerprint, mpcPort, keeper, limiter, metrics, runner, clock);
    }

    /**
     * @param settings session bounds
     * @param offers the offers served from the start (more may be {@link #publish published} later)
     */
    public ProviderSessions(SessionSettings settings, List<OfferConfig> offers, String fingerprint, int mpcPort,
                            LeaseKeeper keeper, SessionRateLimiter limiter, NodeMetrics metrics, SessionRunner runner,
                            Clock clock) {
        this.fingerprint = fingerprint;
        this.mpcPort = mpcPort;
        for (OfferConfig oc : offers) {
            publish(oc);
        }
        this.settings = settings;
        this.keeper = keeper;
        this.limiter = limiter;
        this.metrics = metrics;
        this.runner = runner;
        this.clock = clock;
        this.sessions = Executors.newFixedThreadPool(settings.maxConcurrent(), r -> {
            Thread t = new Thread(r, "angler-session");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Serves set-ups under the offer's pool keys from now on, replacing the keys of an offer of the
     * same name (set-ups under keys it no longer has are refused as an unknown pool).
     *
     * @throws IllegalArgumentException if another offer has one of its pool keys (same unit and
     *     cell: a session could not tell them apart); nothing is changed then
     */
    public synchronized void publish(OfferConfig oc) {
        checkKeys(oc);
        String name = oc.offer().name();
        List<PoolKey> keys = oc.poolKeys();
        // The new keys first, then the old ones it lost: a set-up under a key it keeps never misses it.
        for (PoolKey k : keys) {
            offersByKey.put(k.hex(), oc.offer());
        }
        List<PoolKey> old = keysByOffer.put(name, keys);
        if (old != null) {
            for (PoolKey k : old) {
                if (!keys.contains(k)) {
                    offersByKey.remove(k.hex());
                }
            }
        }
    }

    /**
     * @throws IllegalArgumentException if another offer has one of the offer's pool keys
     */
    public synchronized void checkKeys(OfferConfig oc) {
        String name = oc.offer().name();
        for (PoolKey k : oc.poolKeys()) {
            Offer other = offersByKey.get(k.hex());
            if (other != null && !other.name().equals(name)) {
                throw new IllegalArgumentException("offers '" + other.name() + "' and '" + name + "' share the pool key"
                        + " of cell " + k.cell() + " (same unit and area): a session could not tell them apart");
            }
        }
    }

    /** Stops serving set-ups for the offer (sessions already running on it go on). Idempotent. */
    public synchronized void withdraw(String offerName) {
        List<PoolKey> keys = keysByOffer.remove(offerName);
        if (keys != null) {
            for (PoolKey k : keys) {
                offersByKey.remove(k.hex());
            }
        }
    }

    /** Tells {@code o} every session result from now on (the demo shows what each provider learned). */
    public void observe(SessionObserver o) {
        this.observer = o == null ? SessionObserver.NONE : o;
    }

    /** Sessions whose placement is running now. */
    public int running() {
        return running.get();
    }

    /** The reply to one request from {@code peer}; never throws for anything the peer sent. */
    public Message handle(Peer peer, Message request) {
        try {
            if (request instanceof Message.Probe p) {
                return new Message.ProbeReply(p.nonce(), fingerprint, mpcPort, SOFTWARE);
            } else if (request instanceof Message.SessionSetup s) {
                return setup(peer, s);
            } else if (request instanceof Message.Claim c) {
                return claim(peer, c);
            } else if (request instanceof Message.Renew r) {
                LeaseKeeper.Claimed renewed = timed(NodeMetrics.Phase.RENEW, () -> keeper.renew(r.leaseId(),
                        peer.fingerprint(), Duration.ofSeconds(r.seconds()), r.credentials()));
                Lease l = renewed.lease();
                log.info("lease {}: renewed until {}, credentials issued again", l.id(), l.expiresAt());
                return new Message.RenewReply(l.id(), l.expiresAt().toEpochMilli(), renewed.provisioned().kubeconfig());
            } else if (request instanceof Message.Release r) {
                timed(NodeMetrics.Phase.RELEASE, () -> keeper.release(r.leaseId(), peer.fingerprint()));
                return new Message.ReleaseReply(r.leaseId());
            } else if (request instanceof Message.Abort a) {
                abort(new SessionKey(peer.fingerprint(), a.sessionId()));
                return new Message.AbortReply(a.sessionId());
            }
            return new Message.Error(ErrorCode.UNEXPECTED, request.getClass().getSimpleName()
                    + " is not a request a provider answers");
        } catch (LedgerException e) {
            return new Message.Error(switch (e.kind()) {
                case NOT_FOUND -> ErrorCode.NOT_FOUND;
                case CONFLICT -> ErrorCode.CONFLICT;
                case INVALID -> ErrorCode.INVALID_FIELD;
            }, e.getMessage());
        } catch (RuntimeException e) {
            log.error("internal error answering {}: {}", request.getClass().getSimpleName(), e.getMessage(), e);
            return new Message.Error(ErrorCode.INTERNAL, "the provider failed to answer; its log has the details");
        }
    }

    private Message setup(Peer peer, Message.SessionSetup s) {
        Instant now = clock.instant();
        Instant deadline = Instant.ofEpochMilli(s.deadlineEpochMs());
        if (!deadline.isAfter(now) || deadline.isAfter(now.plus(settings.maxDeadline()))) {
            return refuse(s, ErrorCode.DEADLINE, NodeMetrics.RefusalReason.DEADLINE, "the deadline " + deadline
                    + " is not within the next " + settings.maxDeadline().toSeconds() + " s");
        }
        if (!s.parties().get(0).fingerprint().equals(peer.fingerprint())) {
            return refuse(s, ErrorCode.INVALID_FIELD, NodeMetrics.RefusalReason.BAD_SETUP,
                    "SessionSetup.parties[0] must be the requester that sends the setup");
        }
        int index = s.indexOf(fingerprint);
        if (index < 1) {
            return refuse(s, ErrorCode.INVALID_FIELD, NodeMetrics.RefusalReason.BAD_SETUP,
                    "this provider's fingerprint is not among SessionSetup.parties[1..]");
        }
        if (s.unitBits() != widths.unitBits() || s.priceBits() != widths.priceBits()) {
            return refuse(s, ErrorCode.INVALID_FIELD, NodeMetrics.RefusalReason.BAD_SETUP, "this provider places with "
                    + widths.unitBits() + "-bit units and " + widths.priceBits() + "-bit prices, not "
                    + s.unitBits() + "/" + s.priceBits());
        }
        if (runner == null) {
            return refuse(s, ErrorCode.INTERNAL, NodeMetrics.RefusalReason.BAD_SETUP,
                    "this provider does not take part in placements (it was started without a placement engine)");
        }
        Offer offer = offersByKey.get(s.poolKey());
        if (offer == null) {
            return refuse(s, ErrorCode.UNKNOWN_POOL, NodeMetrics.RefusalReason.UNKNOWN_POOL,
                    "this provider has no offer under pool key " + s.poolKey());
        }
        if (running.incrementAndGet() > settings.maxConcurrent()) {
            running.decrementAndGet();
            return refuse(s, ErrorCode.BUSY, NodeMetrics.RefusalReason.BUSY,
                    "the provider runs as many sessions as it allows; try again shortly");
        }
        boolean started = false;
        try {
            SessionRateLimiter.Decision d = limiter.admit(peer.fingerprint(), peer.address());
            if (d != SessionRateLimiter.Decision.ADMITTED) {
                return refuse(s, ErrorCode.RATE_LIMITED, NodeMetrics.RefusalReason.RATE_LIMITED,
                        d == SessionRateLimiter.Decision.IDENTITY_LIMITED
                                ? "too many sessions from this requester identity; try again later"
                                : "too many sessions from this address; try again later");
            }
            SessionKey key = new SessionKey(peer.fingerprint(), s.sessionId());
            SessionInput input = keeper.ledger().enter(key, offer.name(), deadline);
            metrics.sessionStarted(s.mode().label());
            try {
                AtomicBoolean owned = new AtomicBoolean();
                synchronized (placements) {
                    placements.put(key, new Placement(sessions.submit(() -> run(key, s, index, input, owned)), owned));
                }
            } catch (RejectedExecutionException e) {
                keeper.ledger().abort(key);
                return refuse(s, ErrorCode.BUSY, NodeMetrics.RefusalReason.BUSY, "the provider is shutting down");
            }
            started = true;
            return new Message.SetupAck(s.sessionId(), index);
        } finally {
            if (!started) {
                running.decrementAndGet();
            }
        }
    }

    private Message refuse(Message.SessionSetup s, ErrorCode code, NodeMetrics.RefusalReason reason, String why) {
        metrics.setupRefused(reason);
        return new Message.SetupReject(s.sessionId(), code, why);
    }

    private void run(SessionKey key, Message.SessionSetup s, int index, SessionInput input, AtomicBoolean owned) {
        if (!owned.compareAndSet(false, true)) {
            return; // the requester ended the session before it started; abort() has cleaned up
        }
        long start = System.nanoTime();
        ProviderView view = null;
        try {
            view = runner.run(s, index, input);
            if (view == null || view.index() != index) {
                throw new IllegalStateException("the placement returned a view for another party");
            }
            metrics.phase(NodeMetrics.Phase.MPC, Duration.ofNanos(System.nanoTime() - start));
            if (view.won()) {
                keeper.ledger().settle(key, view.units(), view.price(), clock.instant().plus(settings.claimWindow()));
                metrics.sessionWon(s.mode().label());
                log.info("session {}: won; waiting up to {} s for the claim", key, settings.claimWindow().toSeconds());
            } else {
                keeper.ledger().settle(key, 0, 0, clock.instant());
                log.info("session {}: not won", key);
            }
        } catch (Exception e) {
            view = null;
            keeper.ledger().abort(key);
            NodeMetrics.AbortReason reason = abortReason(e);
            metrics.sessionAborted(reason);
            log.warn("session {}: aborted ({}): {}", key, reason, e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage());
        } finally {
            synchronized (placements) { // after the put in setup(), even if the placement ended at once
                placements.remove(key);
            }
            running.decrementAndGet();
        }
        try {
            observer.ended(s.sessionId(), index, view);
        } catch (RuntimeException e) {
            log.warn("session {}: observer failed: {}", key, e.getMessage());
        }
    }

    /**
     * Ends a session at the requester's wish: stops its placement if it still runs and releases its
     * reservation, running or won (a declined win). A claimed lease is left alone.
     */
    private void abort(SessionKey key) {
        Placement p;
        synchronized (placements) {
            p = placements.get(key);
        }
        keeper.ledger().abort(key);
        if (p == null) {
            return;
        }
        if (p.owned().compareAndSet(false, true)) {
            // It never started: nothing runs that would count it out, so do it here.
            p.future().cancel(false);
            synchronized (placements) {
                placements.remove(key);
            }
            running.decrementAndGet();
            metrics.sessionAborted(NodeMetrics.AbortReason.PEER_ERROR);
        } else {
            p.future().cancel(true);
        }
        log.info("session {}: ended by the requester", key);
    }

    /** A session's placement task; whichever of the task and an abort takes {@code owned} first cleans up. */
    private record Placement(Future<?> future, AtomicBoolean owned) {
    }

    static NodeMetrics.AbortReason abortReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return NodeMetrics.AbortReason.TIMEOUT;
            }
        }
        if (e instanceof MpcAbortException m) {
            return switch (m.check()) {
                case "timeout", "connect" -> NodeMetrics.AbortReason.TIMEOUT;
                case "disconnect", "channel", "interrupted" -> NodeMetrics.AbortReason.DISCONNECT;
                case "peer-abort" -> NodeMetrics.AbortReason.PEER_ERROR;
                default -> NodeMetrics.AbortReason.CHECK_FAILED;
            };
        }
        if (e instanceof InterruptedException) {
            return NodeMetrics.AbortReason.DISCONNECT;
        }
        if (e instanceof IOException) {
            return NodeMetrics.AbortReason.DISCONNECT;
        }
        if (e instanceof LedgerException) {
            return NodeMetrics.AbortReason.CHECK_FAILED; // the result did not match this provider's input
        }
        return NodeMetrics.AbortReason.LOCAL_ERROR;
    }

    private Message claim(Peer peer, Message.Claim c) {
        SessionKey key = new SessionKey(peer.fingerprint(), c.sessionId());
        try {
            keeper.ledger().awaitSettled(key, CLAIM_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Message.Error(ErrorCode.INTERNAL, "the provider is shutting down");
        }
        LeaseKeeper.Claimed claimed = timed(NodeMetrics.Phase.CLAIM,
                () -> keeper.claim(key, Duration.ofSeconds(c.leaseSeconds()), c.credentials()));
        Lease l = claimed.lease();
        log.info("session {}: claimed as lease {} until {}", key, l.id(), l.expiresAt());
        return new Message.ClaimReply(l.id(), l.namespace(), l.expiresAt().toEpochMilli(), l.units(), l.price(),
                claimed.provisioned().kubeconfig());
    }

    private <T> T timed(NodeMetrics.Phase phase, java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            metrics.phase(phase, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Stops taking sessions and waits briefly for running ones; their reservations die with them. */
    @Override
    public void close() {
        sessions.shutdownNow();
        try {
            sessions.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
