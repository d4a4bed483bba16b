package io.angler.node.control;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.FrameCodec;
import io.angler.node.protocol.Message;
import io.angler.node.protocol.ProtocolException;
import io.angler.node.provider.Peer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A provider's control endpoint: TLS 1.3 with mutual authentication, any client certificate
 * accepted (requesters are met as they come; their fingerprint is their identity), one request and
 * one reply at a time per connection. Resources are bounded: at most {@code maxConnections}
 * connections (more are closed at once), a handshake timeout, an idle timeout, and frames capped
 * by {@link FrameCodec#MAX_FRAME}. A frame that cannot be parsed gets an Error reply and the
 * connection is closed, since the stream can no longer be trusted to be in step.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    /**
     * @param maxConnections connections served at once
     * @param maxPerAddress connections served at once from one network address
     * @param handshakeTimeout longest a TLS handshake may take
     * @param idleTimeout longest a connection may wait between requests
     */
    public record Limits(int maxConnections, int maxPerAddress, Duration handshakeTimeout, Duration idleTimeout) {
        public static final Limits DEFAULT = new Limits(64, 16, Duration.ofSeconds(10), Duration.ofSeconds(60));

        public Limits {
            if (maxConnections < 1 || maxPerAddress < 1 || handshakeTimeout.isNegative() || handshakeTimeout.isZero()
                    || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("control server limits must be positive");
            }
        }
    }

    private final ServerSocket server;
    private final ControlHandler handler;
    private final Limits limits;
    private final ThreadPoolExecutor connections;
    private final Thread acceptor;
    private final AtomicInteger refused = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private volatile boolean closed;

    private ControlServer(ServerSocket server, ControlHandler handler, Limits limits) {
        this.server = server;
        this.handler = handler;
        this.limits = limits;
        AtomicInteger n = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, limits.maxConnections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "angler-control-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "angler-control-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code bind} (port 0: chosen by the OS) with this node's identity. */
    public static ControlServer start(TlsIdentity identity, InetSocketAddress bind, ControlHandler handler, Limits limits) {
        try {
            SSLServerSocket s = (SSLServerSocket) identity.anyPeerContext().getServerSocketFactory().createServerSocket();
            s.setReuseAddress(true);
            s.bind(bind, 128);
            return new ControlServer(s, handler, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for control connections on " + bind + ": " + e.getMessage()
                    + " (is the port in use? choose another in node.listen)", e);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Connections closed at once because {@code maxConnections} were busy. */
    public int refusedConnections() {
        return refused.get();
    }

    public boolean isRunning() {
        return !closed && acceptor.isAlive();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control accept failed: {}", e.getMessage());
                }
                continue;
            }
            InetAddress from = s.getInetAddress();
            if (!admit(from)) {
                refused.incrementAndGet();
                closeQuietly(s);
                continue;
            }
            try {
                connections.execute(() -> {
                    open.add(s);
                    try {
                        serve((SSLSocket) s);
                    } finally {
                        open.remove(s);
                        leave(from);
                    }
                });
            } catch (RejectedExecutionException e) {
                leave(from);
                refused.incrementAndGet();
                closeQuietly(s);
            }
        }
    }

    private synchronized boolean admit(InetAddress from) {
        int n = perAddress.getOrDefault(from, 0);
        if (n >= limits.maxPerAddress()) {
            return false;
        }
        perAddress.put(from, n + 1);
        return true;
    }

    private synchronized void leave(InetAddress from) {
        perAddress.computeIfPresent(from, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void serve(SSLSocket socket) {
        String remote = String.valueOf(socket.getRemoteSocketAddress());
        try (socket) {
            socket.setSoTimeout((int) limits.handshakeTimeout().toMillis());
            socket.startHandshake();
            Peer peer = new Peer(TlsIdentity.peerFingerprint(socket.getSession()), socket.getInetAddress());
            socket.setSoTimeout((int) limits.idleTimeout().toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                Message request;
                try {
                    request = FrameCodec.read(in);
                } catch (ProtocolException e) {
                    log.info("control: bad frame from {}: {}", remote, e.getMessage());
                    FrameCodec.writeRefusal(out, e);
                    if (e.code() == ErrorCode.INVALID_FIELD) {
                        continue; // the frame was read whole: the stream is still in step
                    }
                    return;
                }
                FrameCodec.write(out, reply(peer, request));
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the peer is done, or went quiet
        } catch (IOException e) {
            log.debug("control connection from {} ended: {}", remote, e.getMessage());
        } catch (RuntimeException e) {
            log.error("control connection from {} failed: {}", remote, e.getMessage(), e);
        }
    }

    private Message reply(Peer peer, Message request) {
        try {
            Message reply = handler.handle(peer, request);
            return reply != null ? reply : new Message.Error(ErrorCode.INTERNAL, "no reply");
        } catch (RuntimeException e) {
            log.error("control handler failed on {}: {}", request.getClass().getSimpleName(), e.getMessage(), e);
            return new Message.Error(ErrorCode.INTERNAL, "the provider failed to answer; its log has the details");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
        for (Socket s : open) {
            closeQuietly(s); // unblocks reads that an interrupt cannot
        }
        try {
            acceptor.join(5000);
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
