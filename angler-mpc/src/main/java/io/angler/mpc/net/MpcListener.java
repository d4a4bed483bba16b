package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's MPC port: accepts TLS connections (mutual authentication, any client certificate), reads
 * the connecting party's {@link Hello} and hands the connection to the session that expects that
 * party with that certificate. Connections for unknown sessions wait up to the handshake timeout
 * for the session to be registered (a peer may be a little ahead), then are dropped; unexpected
 * certificates, duplicates and malformed hellos are dropped at once. Every drop is logged with its
 * reason and answered with a status byte so the connecting side can report it.
 *
 * <p>One listener per node and port serves any number of concurrent sessions.
 */
public final class MpcListener implements AutoCloseable {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Idle links kept at most by default (0: none kept). */
    public static final int DEFAULT_MAX_IDLE_LINKS = 64;
    /** How long a link is kept idle. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Connections being handshaken at once; more are refused until one finishes. */
    private static final int MAX_PENDING = 256;
    private static final Logger LOG = LoggerFactory.getLogger(MpcListener.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final TlsIdentity identity;
    private final ServerSocket server;
    private final SSLSocketFactory tls;
    private final SSLSocketFactory dialer;
    private final long handshakeMillis;
    private final Thread acceptor;
    private final ThreadPoolExecutor handlers;
    private final Map<String, Expected> sessions = new HashMap<>();
    /** Idle links by peer fingerprint, most recent last (see {@link #offerIdle}). */
    private final Map<String, java.util.ArrayDeque<TlsLink>> idle = new HashMap<>();
    private final int maxIdle;
    private final long idleNanos;
    private int idleCount;
    private volatile boolean closed;

    private MpcListener(TlsIdentity identity, ServerSocket server, Duration handshakeTimeout, int maxIdle) {
        this.maxIdle = maxIdle;
        this.idleNanos = IDLE_TIMEOUT.toNanos();
        this.identity = identity;
        this.server = server;
        this.tls = identity.anyPeerContext().getSocketFactory();
        // Outgoing connections of every session share one client context, so that a later session
        // to the same peer resumes its TLS session (no certificate signatures); the dialler checks
        // the peer's fingerprint itself, on full and resumed handshakes alike.
        this.dialer = identity.anyPeerContext().getSocketFactory();
        this.handshakeMillis = Math.max(1, handshakeTimeout.toMillis());
        int id = IDS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.handlers = new ThreadPoolExecutor(0, MAX_PENDING, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "mpc-accept-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "mpc-listener-" + id + "-port-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code address} (port 0: chosen by the OS) with this node's identity. */
    public static MpcListener bind(TlsIdentity identity, InetSocketAddress address) {
        return bind(identity, address, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** As {@link #bind(TlsIdentity, InetSocketAddress)}, bounding each handshake and hello by {@code handshakeTimeout}. */
    public static MpcListener bind(TlsIdentity identity, InetSocketAddress address, Duration handshakeTimeout) {
        return bind(identity, address, handshakeTimeout, DEFAULT_MAX_IDLE_LINKS);
    }

    /**
     * As {@link #bind(TlsIdentity, InetSocketAddress, Duration)}, keeping at most {@code maxIdleLinks}
     * connections idle between sessions (0: every connection is closed when its session ends).
     */
    public static MpcListener bind(TlsIdentity identity, InetSocketAddress address, Duration handshakeTimeout,
                                   int maxIdleLinks) {
        if (maxIdleLinks < 0 || maxIdleLinks > 4096) {
            throw new IllegalArgumentException("listener: maxIdleLinks " + maxIdleLinks + " is outside 0..4096");
        }
        ServerSocket s = null;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(address, 512);
            return new MpcListener(identity, s, handshakeTimeout, maxIdleLinks);
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new MpcAbortException("listen", -1, "cannot listen on " + address + ": " + e.getMessage()
                    + " (is the port in use? choose another or port 0)", e);
        }
    }

    /** The bound address, with the actual port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public TlsIdentity identity() {
        return identity;
    }

    /** The factory for this node's outgoing MPC connections (accepts any certificate: the caller checks it). */
    SSLSocketFactory dialer() {
        return dialer;
    }

    Duration handshakeTimeout() {
        return Duration.ofMillis(handshakeMillis);
    }

    /**
     * Registers a session in which this node is party {@code self} and expects connections from the
     * parties marked in {@code incoming}, each with its fingerprint from {@code parties}.
     */
    Expected expect(String sessionId, int self, List<PartyEndpoint> parties, boolean[] incoming) {
        Expected e = new Expected(sessionId, self, parties, incoming);
        synchronized (this) {
            if (closed) {
                throw new MpcAbortException("listen", -1, "listener is closed");
            }
            if (sessions.putIfAbsent(e.key, e) != null) {
                throw new IllegalStateException("session " + sessionId + " is already registered for party " + self);
            }
            notifyAll();
        }
        return e;
    }

    /** Unregisters a session; connections it received and did not take are closed. */
    void forget(Expected e) {
        synchronized (this) {
            sessions.remove(e.key, e);
        }
        e.cancel();
    }

    private static String key(String sessionId, int party) {
        return party + "/" + sessionId;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("MPC listener on port {} stopped accepting: {}", server.getLocalPort(), e.getMessage());
                }
                return;
            }
            try {
                handlers.execute(() -> handle(s));
            } catch (RejectedExecutionException e) {
                LOG.warn("dropping connection from {}: {} handshakes already pending", s.getRemoteSocketAddress(), MAX_PENDING);
                closeQuietly(s);
            }
        }
    }

    private void handle(Socket raw) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(handshakeMillis);
        String from = String.valueOf(raw.getRemoteSocketAddress());
        SSLSocket ssl = null;
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, handshakeMillis));
            ssl = (SSLSocket) tls.createSocket(raw, raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            ssl.setUseClientMode(false);
            Tls13Context.configure(ssl);
            ssl.startHandshake();
            String fingerprint = TlsIdentity.peerFingerprint(ssl.getSession());
            Hello hello;
            try {
                hello = Hello.readFrom(ssl.getInputStream());
            } catch (IOException | IllegalArgumentException e) {
                drop(ssl, raw, Hello.MALFORMED, from + " (" + fingerprint + ")", e.getMessage());
                return;
            }
            Expected session = await(key(hello.sessionId(), hello.to()), deadline);
            if (session == null) {
                drop(ssl, raw, closed ? Hello.SHUTTING_DOWN : Hello.UNKNOWN_SESSION, from,
                        "no session " + hello.sessionId() + " for party " + hello.to() + " here");
                return;
            }
            String refusal = session.reserve(hello.from(), fingerprint);
            if (refusal != null) {
                byte code = refusal.startsWith("already") ? Hello.DUPLICATE : Hello.UNEXPECTED_PARTY;
                drop(ssl, raw, code, from + " claiming party " + hello.from() + " of session " + hello.sessionId(), refusal);
                return;
            }
            try {
                ssl.getOutputStream().write(Hello.OK);
                ssl.getOutputStream().flush();
            } catch (IOException e) {
                session.release(hello.from());
                throw e;
            }
            session.deliver(hello.from(), new TlsLink(ssl, raw, fingerprint));
        } catch (IOException e) {
            LOG.info("dropping MPC connection from {}: {}", from, e.getMessage());
            closeQuietly(raw);
        } catch (RuntimeException e) {
            LOG.warn("dropping MPC connection from {}: {}", from, e.toString());
            closeQuietly(raw);
        }
    }

    private void drop(SSLSocket ssl, Socket raw, byte status, String who, String why) {
        LOG.info("dropping MPC connection from {}: {}", who, why);
        try {
            ssl.getOutputStream().write(status);
            ssl.getOutputStream().flush();
        } catch (IOException ignored) {
            // the peer learns from the closed connection instead
        }
        closeQuietly(raw);
    }

    private synchronized Expected await(String key, long deadline) {
        while (true) {
            Expected e = sessions.get(key);
            long left = deadline - System.nanoTime();
            if (e != null || closed || left <= 0) {
                return closed ? null : e;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    // ---- idle links ----

    /**
     * Keeps {@code link}, whose session ended cleanly at this side, for a later session with the same
     * peer (it is closed instead if this listener keeps no idle links, is closed, or is full: then the
     * link idle longest goes). Idle links older than {@link #IDLE_TIMEOUT} are closed.
     *
     * <p>At most one idle link per peer: the one kept before is closed. With two, two sessions that
     * ended in a different order at each side would leave each side taking a link whose other end
     * sits unread in the peer's queue, and both would wait for a hello or an answer that never comes;
     * with one, a side that takes a link the peer dropped reads its close at once and connects anew.
     */
    void offerIdle(TlsLink link) {
        List<TlsLink> toClose = new java.util.ArrayList<>();
        synchronized (this) {
            if (closed || maxIdle == 0) {
                toClose.add(link);
            } else {
                link.markIdle();
                java.util.ArrayDeque<TlsLink> q = idle.computeIfAbsent(link.peerFingerprint(),
                        k -> new java.util.ArrayDeque<>());
                while (!q.isEmpty()) {
                    toClose.add(q.pollFirst());
                    idleCount--;
                }
                q.addLast(link);
                idleCount++;
                expire(toClose);
                while (idleCount > maxIdle) {
                    toClose.add(removeOldest());
                }
            }
        }
        toClose.forEach(TlsLink::close);
    }

    /**
     * Closes every idle link now, so that the next session with any peer connects afresh (the WAN
     * benchmark's cold runs; a node has no need to call this).
     */
    public void closeIdleLinks() {
        List<TlsLink> toClose = new java.util.ArrayList<>();
        synchronized (this) {
            for (java.util.ArrayDeque<TlsLink> q : idle.values()) {
                toClose.addAll(q);
            }
            idle.clear();
            idleCount = 0;
        }
        toClose.forEach(TlsLink::close);
    }

    /** The idle link to the node with this certificate fingerprint, or null. */
    TlsLink takeIdle(String fingerprint) {
        List<TlsLink> toClose = new java.util.ArrayList<>();
        TlsLink found;
        synchronized (this) {
            expire(toClose);
            java.util.ArrayDeque<TlsLink> q = idle.get(fingerprint);
            found = q == null ? null : q.pollLast();
            if (found != null) {
                idleCount--;
                if (q.isEmpty()) {
                    idle.remove(fingerprint);
                }
            }
        }
        toClose.forEach(TlsLink::close);
        return found;
    }

    /** Idle links kept now. */
    synchronized int idleLinks() {
        return idleCount;
    }

    private void expire(List<TlsLink> toClose) {
        long now = System.nanoTime();
        for (java.util.Iterator<java.util.ArrayDeque<TlsLink>> it = idle.values().iterator(); it.hasNext(); ) {
            java.util.ArrayDeque<TlsLink> q = it.next();
            while (!q.isEmpty() && now - q.peekFirst().idleSince() > idleNanos) {
                toClose.add(q.pollFirst());
                idleCount--;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    private TlsLink removeOldest() {
        String oldest = null;
        long since = Long.MAX_VALUE;
        for (Map.Entry<String, java.util.ArrayDeque<TlsLink>> e : idle.entrySet()) {
            long t = e.getValue().peekFirst().idleSince();
            if (oldest == null || t - since < 0) {
                oldest = e.getKey();
                since = t;
            }
        }
        java.util.ArrayDeque<TlsLink> q = idle.get(oldest);
        TlsLink l = q.pollFirst();
        idleCount--;
        if (q.isEmpty()) {
            idle.remove(oldest);
        }
        return l;
    }

    /** Stops accepting, drops pending connections and idle links, and waits for the listener's threads to end. */
    @Override
    public void close() {
        List<TlsLink> idleLinks = new java.util.ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            notifyAll();
            idle.values().forEach(idleLinks::addAll);
            idle.clear();
            idleCount = 0;
        }
        idleLinks.forEach(TlsLink::close);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        handlers.shutdown();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            if (!handlers.awaitTermination(handshakeMillis + 1000, TimeUnit.MILLISECONDS)) {
                handlers.shutdownNow();
                handlers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The connections one party of one session waits for. */
    static final class Expected {
        final String key;
        final String sessionId;
        final int self;
        private final String[] fingerprints;
        private final boolean[] incoming;
        private final TlsLink[] links;
        private final boolean[] reserved;
        private int delivered;
        private int wanted;
        private boolean cancelled;

        Expected(String sessionId, int self, List<PartyEndpoint> parties, boolean[] incoming) {
            Hello.checkSessionId(sessionId);
            this.key = key(sessionId, self);
            this.sessionId = sessionId;
            this.self = self;
            this.fingerprints = parties.stream().map(PartyEndpoint::fingerprint).toArray(String[]::new);
            this.incoming = incoming.clone();
            this.links = new TlsLink[parties.size()];
            this.reserved = new boolean[parties.size()];
            for (boolean b : incoming) {
                wanted += b ? 1 : 0;
            }
        }

        /** Null if party {@code from} may connect with this certificate (and reserves its slot), else why not. */
        synchronized String reserve(int from, String fingerprint) {
            if (cancelled) {
                return "session set-up was abandoned";
            }
            if (from < 0 || from >= fingerprints.length || !incoming[from]) {
                return "party " + from + " is not expected to connect to party " + self;
            }
            if (!fingerprints[from].equals(fingerprint)) {
                return "certificate " + fingerprint + " is not party " + from + "'s (" + fingerprints[from] + ")";
            }
            if (reserved[from]) {
                return "already connected";
            }
            reserved[from] = true;
            return null;
        }

        synchronized void release(int from) {
            reserved[from] = false;
        }

        /** Hands over party {@code from}'s link (its slot reserved); closes it if the set-up was abandoned. */
        void deliver(int from, TlsLink link) {
            synchronized (this) {
                if (!cancelled) {
                    links[from] = link;
                    delivered++;
                    notifyAll();
                    return;
                }
            }
            link.close();
        }

        /** Waits until every expected party connected or the deadline passed; true if all did. */
        synchronized boolean awaitAll(long deadlineNanos) {
            while (delivered < wanted && !cancelled) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MpcAbortException("connect", -1, "interrupted while waiting for peers to connect");
                }
            }
            return delivered == wanted;
        }

        /** The abort for parties that did not connect in time, naming the first. */
        synchronized MpcAbortException missing() {
            int missing = -1;
            for (int p = 0; p < incoming.length && missing < 0; p++) {
                if (incoming[p] && links[p] == null) {
                    missing = p;
                }
            }
            return new MpcAbortException("connect", missing, (wanted - delivered) + " of " + wanted
                    + " expected parties did not connect to party " + self + " in time, the first being party " + missing);
        }

        /** Hands the connections over (indexed by party); cancel() no longer closes them. */
        synchronized TlsLink[] take() {
            TlsLink[] out = links.clone();
            java.util.Arrays.fill(links, null);
            cancelled = true;
            return out;
        }

        void cancel() {
            TlsLink[] toClose;
            synchronized (this) {
                cancelled = true;
                toClose = links.clone();
                java.util.Arrays.fill(links, null);
                notifyAll();
            }
            for (TlsLink l : toClose) {
                if (l != null) {
                    l.close();
                }
            }
        }
    }
}
