package io.angler.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that emulates wide-area latency in user space (the kernel here has no netem). Every
 * chunk it forwards, in either direction, is held for the one-way delay before it is written on,
 * so a request and its response through the relay take the round-trip time R = 2 x delay more
 * than without it; TLS handshakes pay it too. Order and content are preserved.
 *
 * <p>Each forwarded direction has a reader thread, which timestamps chunks as they arrive, and a
 * writer thread, which releases each chunk when it is due. Closing the relay closes every socket
 * and stops every thread.
 */
public final class DelayingRelay implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    private static final Chunk EOF = new Chunk(new byte[0], 0);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesForwarded = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private record Chunk(byte[] data, long dueNanos) {
    }

    private DelayingRelay(ServerSocket server, InetSocketAddress target, Duration oneWayDelay) {
        this.server = server;
        this.target = target;
        this.delayNanos = oneWayDelay.toNanos();
        this.acceptor = daemon("relay-accept-" + server.getLocalPort(), this::acceptLoop);
    }

    /**
     * Starts a relay listening on {@code listen} (port 0 for any) and forwarding to {@code target}.
     *
     * @param oneWayDelay the delay added in each direction: half the emulated round-trip time
     */
    public static DelayingRelay start(InetSocketAddress listen, InetSocketAddress target, Duration oneWayDelay) {
        if (oneWayDelay.isNegative()) {
            throw new IllegalArgumentException("relay: delay " + oneWayDelay + " is negative");
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(listen);
            DelayingRelay relay = new DelayingRelay(s, target, oneWayDelay);
            relay.acceptor.start();
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("relay: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** Where to connect instead of the target. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Bytes forwarded so far, both directions. */
    public long bytesForwarded() {
        return bytesForwarded.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 10_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            if (closed) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            pipe(client, upstream);
            pipe(upstream, client);
        }
    }

    /** Forwards from {@code from} to {@code to}, each chunk delayed. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        String name = from.getPort() + "->" + to.getPort();
        Thread reader = daemon("relay-read-" + name, () -> {
            byte[] buf = new byte[CHUNK];
            try {
                // Not try-with-resources: closing a socket's stream closes the socket, and the
                // other direction may still be sending after this one reached its end.
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException e) {
                // the connection ended; forward the end after what is queued
            } finally {
                queue.add(EOF);
            }
        });
        Thread writer = daemon("relay-write-" + name, () -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk c = queue.take();
                    if (c == EOF) {
                        to.shutdownOutput();
                        return;
                    }
                    long wait;
                    while ((wait = c.dueNanos - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(c.data);
                    out.flush();
                    bytesForwarded.addAndGet(c.data.length);
                }
            } catch (SocketException e) {
                closeQuietly(from); // the other side is gone: end both
            } catch (IOException e) {
                closeQuietly(from);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        reader.start();
        writer.start();
    }

    private Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Closes the listener and every relayed connection, and waits for the relay's threads to end. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
