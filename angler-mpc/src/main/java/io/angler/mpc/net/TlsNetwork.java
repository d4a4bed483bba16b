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

        public Timeouts {
            if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: connect " + connect + ", read " + read);
            }
        }
    }

    private final int self;
    private final TlsChannel[] channels;
    private final List<String> fingerprints;
    private volatile boolean closed;

    private TlsNetwork(int self, TlsChannel[] channels, List<String> fingerprints) {
        this.self = self;
        this.channels = channels;
        this.fingerprints = fingerprints;
    }

    /**
     * Joins session {@code sessionId} as party {@code self}: registers the session with the node's
     * {@code listener} (whose identity must be {@code parties.get(self)}'s), connects to every lower
     * party and waits for every higher one, all concurrently.
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
        MpcListener.Link[] links = new MpcListener.Link[n];
        ExecutorService pool = null;
        List<Future<MpcListener.Link>> outgoing = new ArrayList<>();
        try {
            if (self > 0) {
                SSLSocketFactory factory = listener.dialer();
                int id = CONNECTORS.incrementAndGet();
                AtomicInteger k = new AtomicInteger();
                pool = Executors.newFixedThreadPool(self, r -> {
                    Thread t = new Thread(r, "mpc-connect-" + id + "-" + k.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                for (int p = 0; p < self; p++) {
                    int peer = p;
                    outgoing.add(pool.submit(() -> dial(factory, sessionId, self, peer, parties.get(peer), deadline)));
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
            MpcListener.Link[] accepted = expected.take();
            for (int p = self + 1; p < n; p++) {
                links[p] = accepted[p];
            }
            for (int p = 0; p < self; p++) {
                if (links[p] == null) {
                    links[p] = collect(outgoing.get(p), p, deadline);
                }
            }
            TlsChannel[] channels = new TlsChannel[n];
            try {
                for (int p = 0; p < n; p++) {
                    if (p != self) {
                        channels[p] = new TlsChannel(self, p, n, links[p].ssl(), links[p].raw(), timeouts.read());
                    }
                }
            } catch (IOException | RuntimeException e) {
                new TlsNetwork(self, channels, List.of()).close(); // stops the writers already started
                throw e;
            }
            return new TlsNetwork(self, channels, parties.stream().map(PartyEndpoint::fingerprint).toList());
        } catch (IOException | RuntimeException e) {
            for (MpcListener.Link l : links) {
                if (l != null) {
                    closeQuietly(l.raw());
                }
            }
            if (pool != null) {
                pool.shutdownNow(); // dial() closes its socket when interrupted or failing
                awaitQuietly(pool);
            }
            for (Future<MpcListener.Link> f : outgoing) {
                if (f.isDone() && !f.isCancelled()) {
                    try {
                        closeQuietly(f.get().raw());
                    } catch (ExecutionException ignored) {
                        // that connection was never made
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
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
    private static MpcListener.Link dial(SSLSocketFactory factory, String sessionId, int self, int peer,
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
            MpcListener.Link link = new MpcListener.Link(ssl, raw);
            raw = null;
            return link;
        } finally {
            if (raw != null) {
                closeQuietly(raw);
            }
        }
    }

    private static MpcListener.Link collect(Future<MpcListener.Link> f, int peer, long deadline) {
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
        if (closed) {
            return;
        }
        closed = true;
        for (TlsChannel c : channels) {
            if (c != null) {
                c.beginClose();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        for (TlsChannel c : channels) {
            if (c != null) {
                c.finishClose(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())));
            }
        }
    }
}
