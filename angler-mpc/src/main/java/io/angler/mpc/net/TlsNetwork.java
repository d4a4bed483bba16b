package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A session's full mesh over TCP and TLS 1.3 with mutual authentication: every pair of parties has
 * one connection, the higher index connecting to the lower one's {@link MpcListener}. Each side
 * accepts only the certificate fingerprint the session lists for that party. All connections are
 * set up at once, within the connect timeout; reads are bounded by the read timeout.
 *
 * <p>Closing the network sends what is queued, then close_notify, so the peers' pending reads fail
 * at once with an {@link MpcAbortException} ({@code disconnect}) instead of waiting for the timeout.
 */
public final class TlsNetwork implements Network {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger CONNECTORS = new AtomicInteger();
    /** How long close() lets the writers drain before it cuts the connections. */
    private static final long DRAIN_MILLIS = 2000;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * @param connect bound on setting up the whole mesh (TCP connect, TLS handshake, hello)
     * @param read bound on waiting for any one message
     */
    public record Timeouts(Duration connect, Duration read) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));

        /** The connect bound's fixed part, and what it grows by per TLS handshake of the set-up. */
        public static final Duration CONNECT_BASE = Duration.ofSeconds(10);
        public static final Duration CONNECT_PER_HANDSHAKE = Duration.ofMillis(40);

        public Timeouts {
            if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: connect " + connect + ", read " + read);
            }
        }

        /**
         * The bound on a set-up of {@code handshakes} TLS handshakes that may share one machine's
         * cores (a full mesh of n parties has n(n-1)/2: 528 for 33 parties, which a fixed 10 s did not
         * fit on two loaded cores): {@link #CONNECT_BASE} plus {@link #CONNECT_PER_HANDSHAKE} each.
         */
        public static Duration connectFor(int handshakes) {
            if (handshakes < 1) {
                throw new IllegalArgumentException("a set-up has at least one handshake, got " + handshakes);
            }
            return CONNECT_BASE.plus(CONNECT_PER_HANDSHAKE.multipliedBy(handshakes));
        }

        /** {@link #connectFor} a full mesh of {@code parties} parties. */
        public static Duration connectForMesh(int parties) {
            return connectFor(parties * (parties - 1) / 2);
        }
    }

    private final int self;
    private final TlsChannel[] channels;
    private final List<String> fingerprints;
    /** The node's listener, which keeps the links of a cleanly ended session. */
    private final MpcListener keeper;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private TlsNetwork(int self, TlsChannel[] channels, List<String> fingerprints, MpcListener keeper) {
        this.self = self;
        this.channels = channels;
        this.fingerprints = fingerprints;
        this.keeper = keeper;
    }

    /**
     * Joins session {@code sessionId} as party {@code self}: registers the session with the node's
     * {@code listener} (whose identity must be {@code parties.get(self)}'s), connects to every lower
     * party and waits for every higher one, all concurrently. Where the listener keeps an idle link
     * to a peer (from an earlier session, see {@link #release()}), the session first tries to carry
     * on over it: the side that opened the link sends the new hello over it, the other reads and
     * answers it; if that fails on either side (the peer closed its end, or is using it for another
     * session just now), both fall back to a new connection.
     *
     * @throws MpcAbortException {@code connect} naming the first peer that could not be reached,
     *     refused us or did not connect in time
     */
    public static TlsNetwork connect(MpcListener listener, String sessionId, int self, List<PartyEndpoint> parties,
                                     Timeouts timeouts) {
        int n = parties.size();
        validate(listener.identity(), sessionId, self, parties);
        long deadline = System.nanoTime() + timeouts.connect().toNanos();
        boolean[] incoming = new boolean[n];
        for (int p = self + 1; p < n; p++) {
            incoming[p] = true;
        }
        MpcListener.Expected expected = listener.expect(sessionId, self, parties, incoming);
        TlsLink[] links = new TlsLink[n];
        TlsLink[] idle = new TlsLink[n];
        for (int p = 0; p < n; p++) {
            if (p != self) {
                idle[p] = listener.takeIdle(parties.get(p).fingerprint());
            }
        }
        long resumeMillis = listener.handshakeTimeout().toMillis();
        ExecutorService pool = null;
        List<Future<TlsLink>> outgoing = new ArrayList<>();
        List<Future<?>> reused = new ArrayList<>();
        try {
            int tasks = self;
            for (int p = self + 1; p < n; p++) {
                tasks += idle[p] != null ? 1 : 0;
            }
            if (tasks > 0) {
                SSLSocketFactory factory = listener.dialer();
                int id = CONNECTORS.incrementAndGet();
                AtomicInteger k = new AtomicInteger();
                pool = Executors.newFixedThreadPool(tasks, r -> {
                    Thread t = new Thread(r, "mpc-connect-" + id + "-" + k.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                for (int p = 0; p < self; p++) {
                    int peer = p;
                    TlsLink old = idle[p];
                    outgoing.add(pool.submit(() -> {
                        TlsLink again = old == null ? null : resume(old, sessionId, self, peer, deadline, resumeMillis);
                        return again != null ? again : dial(factory, sessionId, self, peer, parties.get(peer), deadline);
                    }));
                }
                for (int p = self + 1; p < n; p++) {
                    if (idle[p] != null) {
                        int peer = p;
                        TlsLink old = idle[p];
                        reused.add(pool.submit(() -> {
                            TlsLink again = resume(old, sessionId, self, peer, deadline, resumeMillis);
                            if (again != null && expected.reserve(peer, again.peerFingerprint()) == null) {
                                expected.deliver(peer, again);
                            } else if (again != null) {
                                again.close(); // a new connection from the peer got there first
                            }
                            // otherwise the peer connects anew, through the listener
                        }));
                    }
                }
            }
            // Wait for the incoming connections, failing early if an outgoing one already failed.
            while (!expected.awaitAll(Math.min(deadline, System.nanoTime() + POLL_NANOS))) {
                for (int p = 0; p < self; p++) {
                    if (links[p] == null && outgoing.get(p).isDone()) {
                        links[p] = collect(outgoing.get(p), p, deadline);
                    }
                }
                if (remainingNanos(deadline) <= 0) {
                    throw expected.missing();
                }
            }
            TlsLink[] accepted = expected.take();
            for (int p = self + 1; p < n; p++) {
                links[p] = accepted[p];
            }
            for (int p = 0; p < self; p++) {
                if (links[p] == null) {
                    links[p] = collect(outgoing.get(p), p, deadline);
                }
            }
            TlsChannel[] channels = new TlsChannel[n];
            for (int p = 0; p < n; p++) {
                if (p != self) {
                    channels[p] = new TlsChannel(p, n, links[p], timeouts.read());
                }
            }
            return new TlsNetwork(self, channels, parties.stream().map(PartyEndpoint::fingerprint).toList(), listener);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.shutdownNow(); // dial() closes its socket when interrupted or failing
                awaitQuietly(pool);
            }
            List<TlsLink> made = new ArrayList<>();
            for (TlsLink l : links) {
                if (l != null) {
                    made.add(l);
                }
            }
            for (TlsLink l : expected.take()) { // from now on a late delivery is closed by the listener
                if (l != null) {
                    made.add(l);
                }
            }
            for (Future<TlsLink> f : outgoing) {
                if (f.isDone() && !f.isCancelled()) {
                    try {
                        TlsLink l = f.get();
                        if (!made.contains(l)) {
                            made.add(l);
                        }
                    } catch (ExecutionException ignored) {
                        // that connection was never made
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            abandon(made, e instanceof MpcAbortException m ? m.peer() : -1);
            if (e instanceof MpcAbortException) {
                throw (MpcAbortException) e;
            }
            throw new MpcAbortException("connect", -1, "mesh set-up failed: " + e, e);
        } finally {
            listener.forget(expected);
            if (pool != null) {
                pool.shutdown();
                awaitQuietly(pool);
            }
        }
    }

    /**
     * Ends the links a failed set-up made. Each peer at the other end may already have its whole mesh
     * and be waiting for this party's first message: closing without a word would look to it like an
     * honest party leaving without an abort notice (direct evidence against this party). So each gets
     * the notice first ({@code connect}, naming the peer this party could not connect with, as a
     * departure), then close_notify; the links are read until the peer closes its end (it has read
     * the notice by then) or {@link #DRAIN_MILLIS} pass, so that closing with unread data cannot reset
     * the connection before the notice is read.
     */
    private static void abandon(List<TlsLink> made, int missing) {
        if (made.isEmpty()) {
            return;
        }
        FramedChannel.Frame notice = new FramedChannel.Frame(true, AbortNotice.encode(
                missing >= 0 ? MpcAbortException.Evidence.DEPARTURE : MpcAbortException.Evidence.NONE, "connect", missing));
        for (TlsLink l : made) {
            try {
                l.send(notice, -1);
            } catch (MpcAbortException ignored) {
                // already closing
            }
            l.beginClose();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        for (TlsLink l : made) {
            try {
                while (remainingNanos(deadline) > 0) {
                    l.receive(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadline))), -1);
                }
            } catch (MpcAbortException ended) {
                // the peer closed its end, or the drain ran out of time
            }
            l.finishClose(TimeUnit.NANOSECONDS.toMillis(Math.max(0, remainingNanos(deadline))));
        }
    }

    /**
     * Carries a new session over an idle link to {@code peer}: the side that opened the link sends
     * the hello as a frame, the other checks it (this session, that party, to this party) and
     * answers with {@link #resumed}. Returns the link, or null (and closes it) if that failed: the caller then falls
     * back to a new connection. It waits at most {@code boundMillis} and half the time left.
     */
    private static TlsLink resume(TlsLink link, String sessionId, int self, int peer, long deadline, long boundMillis) {
        try {
            // At most half the time left (and the handshake timeout), so that a new connection still fits.
            long wait = Math.max(1, Math.min(boundMillis, TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadline)) / 2));
            if (link.client()) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                new Hello(sessionId, self, peer).writeTo(b);
                link.send(new FramedChannel.Frame(false, b.toByteArray()), peer);
                FramedChannel.Frame answer = link.receive(wait, peer);
                if (!answer.notice() && java.security.MessageDigest.isEqual(answer.payload(),
                        resumed(sessionId, self, peer))) {
                    return link;
                }
            } else {
                FramedChannel.Frame f = link.receive(wait, peer);
                Hello h = f.notice() ? null : Hello.readFrom(new java.io.ByteArrayInputStream(f.payload()));
                if (h != null && h.sessionId().equals(sessionId) && h.from() == peer && h.to() == self) {
                    link.send(new FramedChannel.Frame(false, resumed(sessionId, peer, self)), peer);
                    return link;
                }
                link.send(new FramedChannel.Frame(false, new byte[] {Hello.UNKNOWN_SESSION}), peer);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the peer closed its end, or it spoke of another session: start afresh
        }
        link.close();
        return null;
    }

    /**
     * The answer to a hello over an idle link: a digest of the session id and the two parties, not a
     * single byte, so that nothing else a peer could send first (an empty round is one zero byte,
     * the same as {@link Hello#OK}) passes for it.
     */
    private static byte[] resumed(String sessionId, int from, int to) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(("angler-mpc resume/" + sessionId + "/"
                    + from + "/" + to).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.Arrays.copyOf(h, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /**
     * The simple form, for a party that has its own port: listens on {@code parties.get(self)}'s
     * address for the duration of the set-up only.
     */
    public static TlsNetwork connect(TlsIdentity identity, String sessionId, int self, List<PartyEndpoint> parties,
                                     Timeouts timeouts) {
        validate(identity, sessionId, self, parties);
        try (MpcListener listener = MpcListener.bind(identity, parties.get(self).address(),
                min(timeouts.connect(), MpcListener.DEFAULT_HANDSHAKE_TIMEOUT))) {
            return connect(listener, sessionId, self, parties, timeouts);
        }
    }

    /**
     * {@code parties} parties in this process, each with an ephemeral identity and its own listener
     * on a loopback port chosen by the OS, connected concurrently. For tests, benchmarks and
     * one-process runs; element i is party i's network.
     */
    public static List<Network> local(int parties, Timeouts timeouts) {
        if (parties < 2) {
            throw new IllegalArgumentException("network: needs at least 2 parties, got " + parties);
        }
        List<TlsIdentity> ids = new ArrayList<>();
        List<MpcListener> listeners = new ArrayList<>();
        List<PartyEndpoint> endpoints = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parties, r -> {
            Thread t = new Thread(r, "mpc-local-setup");
            t.setDaemon(true);
            return t;
        });
        List<Future<TlsNetwork>> futures = new ArrayList<>();
        try {
            for (int p = 0; p < parties; p++) {
                TlsIdentity id = TlsIdentity.ephemeral("party " + p);
                ids.add(id);
                MpcListener l = MpcListener.bind(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        min(timeouts.connect(), MpcListener.DEFAULT_HANDSHAKE_TIMEOUT));
                listeners.add(l);
                endpoints.add(new PartyEndpoint(l.address(), id.fingerprint()));
            }
            String sid = "local-" + HexFormat.of().formatHex(randomBytes(8));
            for (int p = 0; p < parties; p++) {
                int self = p;
                futures.add(pool.submit(() -> connect(listeners.get(self), sid, self, endpoints, timeouts)));
            }
            List<Network> nets = new ArrayList<>();
            MpcAbortException failure = null;
            for (Future<TlsNetwork> f : futures) {
                try {
                    nets.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof MpcAbortException ? (MpcAbortException) e.getCause()
                                : new MpcAbortException("connect", -1, "mesh set-up failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            if (failure != null) {
                nets.forEach(Network::close);
                throw failure;
            }
            return List.copyOf(nets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new MpcAbortException("connect", -1, "interrupted during mesh set-up");
        } finally {
            listeners.forEach(MpcListener::close);
            pool.shutdown();
            awaitQuietly(pool);
        }
    }

    private static void validate(TlsIdentity identity, String sessionId, int self, List<PartyEndpoint> parties) {
        Objects.requireNonNull(sessionId, "sessionId");
        Hello.checkSessionId(sessionId);
        int n = parties.size();
        if (n < 2) {
            throw new IllegalArgumentException("network: needs at least 2 parties, got " + n);
        }
        if (self < 0 || self >= n) {
            throw new IllegalArgumentException("network: party index " + self + " outside 0.." + (n - 1));
        }
        if (!identity.fingerprint().equals(parties.get(self).fingerprint())) {
            throw new IllegalArgumentException("network: this node's certificate " + identity.fingerprint()
                    + " is not party " + self + "'s (" + parties.get(self).fingerprint() + ")");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int p = 0; p < n; p++) {
            Integer q = seen.putIfAbsent(parties.get(p).fingerprint(), p);
            if (q != null) {
                throw new IllegalArgumentException("network: parties " + q + " and " + p + " have the same certificate");
            }
        }
    }

    /** Connects to {@code peer}'s listener, retrying while it refuses (it may not be up yet). */
    private static TlsLink dial(SSLSocketFactory factory, String sessionId, int self, int peer,
                                PartyEndpoint endpoint, long deadline) throws IOException {
        Socket raw = null;
        try {
            long backoff = 10;
            while (true) {
                raw = new Socket();
                try {
                    raw.connect(endpoint.address(), remainingMillis(deadline, peer, "reach"));
                    break;
                } catch (ConnectException e) {
                    closeQuietly(raw);
                    raw = null;
                    if (Thread.currentThread().isInterrupted() || remainingNanos(deadline) < backoff * 1_000_000) {
                        throw new MpcAbortException("connect", peer, "cannot reach party " + peer + " at "
                                + endpoint.address() + ": " + e.getMessage());
                    }
                    sleep(backoff);
                    backoff = Math.min(200, backoff * 2);
                } catch (SocketTimeoutException e) {
                    throw new MpcAbortException("connect", peer, "no TCP connection to party " + peer + " at "
                            + endpoint.address() + " in time");
                }
            }
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(remainingMillis(deadline, peer, "authenticate"));
            SSLSocket ssl = (SSLSocket) factory.createSocket(raw, endpoint.address().getHostString(),
                    endpoint.address().getPort(), true);
            ssl.setUseClientMode(true);
            Tls13Context.configure(ssl);
            try {
                ssl.startHandshake();
            } catch (SocketTimeoutException e) {
                throw new MpcAbortException("connect", peer, "TLS handshake with party " + peer + " timed out");
            } catch (IOException e) {
                throw new MpcAbortException("connect", peer, "TLS handshake with party " + peer + " at "
                        + endpoint.address() + " failed: " + e.getMessage(), e);
            }
            String got = TlsIdentity.peerFingerprint(ssl.getSession());
            if (!got.equals(endpoint.fingerprint())) {
                // the pin: checked before anything is sent, on full and resumed handshakes alike
                throw new MpcAbortException("connect", peer, "the node at " + endpoint.address() + " presented "
                        + got + ", not party " + peer + "'s certificate " + endpoint.fingerprint());
            }
            new Hello(sessionId, self, peer).writeTo(ssl.getOutputStream());
            int status;
            try {
                status = ssl.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new MpcAbortException("connect", peer, "party " + peer + " did not answer our hello in time");
            }
            if (status != Hello.OK) {
                throw new MpcAbortException("connect", peer, "party " + peer + " refused the connection: "
                        + (status < 0 ? "connection closed" : Hello.describe(status)));
            }
            TlsLink link = new TlsLink(ssl, raw, got);
            raw = null;
            return link;
        } finally {
            if (raw != null) {
                closeQuietly(raw);
            }
        }
    }

    private static TlsLink collect(Future<TlsLink> f, int peer, long deadline) {
        try {
            return f.get(Math.max(1, remainingNanos(deadline)), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof MpcAbortException) {
                throw (MpcAbortException) c;
            }
            throw new MpcAbortException("connect", peer, "connecting to party " + peer + " failed: " + c, c);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new MpcAbortException("connect", peer, "connection to party " + peer + " not set up in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MpcAbortException("connect", peer, "interrupted while connecting");
        }
    }

    private static long remainingNanos(long deadline) {
        return deadline - System.nanoTime();
    }

    private static int remainingMillis(long deadline, int peer, String step) {
        long ms = TimeUnit.NANOSECONDS.toMillis(remainingNanos(deadline));
        if (ms <= 0) {
            throw new MpcAbortException("connect", peer, "out of time to " + step + " party " + peer);
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    @Override
    public int self() {
        return self;
    }

    @Override
    public int parties() {
        return channels.length;
    }

    /** The pinned certificate fingerprint of {@code party}. */
    @Override
    public String identity(int party) {
        return fingerprints.get(party);
    }

    @Override
    public Channel channel(int peer) {
        if (peer == self || peer < 0 || peer >= channels.length) {
            throw new IllegalArgumentException("network: no channel from party " + self + " to " + peer);
        }
        return channels[peer];
    }

    @Override
    public void close() {
        end(false);
    }

    /**
     * Ends a session that finished cleanly at this party: links left at rest (every frame read, no
     * abort, no failure) stay open in the node's listener for a later session with the same peer,
     * which then skips the TCP and TLS handshakes; the others are closed as by {@link #close()}.
     */
    public void release() {
        end(true);
    }

    private void end(boolean keep) {
        if (!closed.compareAndSet(false, true)) {
            return; // ended already: by the deadline's close() racing the session's release(), say
        }
        List<TlsLink> closing = new ArrayList<>();
        for (TlsChannel c : channels) {
            if (c == null) {
                continue;
            }
            if (keep && c.leftClean()) {
                keeper.offerIdle(c.link());
            } else {
                c.link().beginClose();
                closing.add(c.link());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        for (TlsLink l : closing) {
            l.finishClose(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())));
        }
    }
}
