package io.angler.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay that emulates wide-area latency in user space (the kernel here has no netem). Every
 * chunk it forwards, in either direction, is held for the one-way delay d before it is written on,
 * so a request and its response through the relay take the round-trip time R = 2d more than
 * without it; TLS handshakes pay it too. Order and content are preserved.
 *
 * <p>The TCP handshake is emulated as well: over a real link the server's {@code accept} returns
 * 3d after the client's {@code connect} began (SYN, SYN-ACK, ACK) and the client's first bytes
 * arrive then too. Here the client's connect completes locally at once, so the relay opens its
 * connection to the target only 3d after accepting, and forwards nothing towards the target
 * before that. The first reply on a new connection therefore comes 2R after the connect began,
 * as over a WAN; later exchanges take R.
 *
 * <p>Each connection has, per direction, a reader thread that timestamps chunks as they arrive and
 * a writer thread that releases each chunk when it is due. Closing the relay closes every socket
 * and stops every thread.
 */
public final class DelayingRelay implements AutoCloseable {
    private static final int CHUNK = 32 * 1024;
    private static final Chunk EOF = new Chunk(new byte[0], 0);
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final ServerSocket server;
    private final long delayNanos;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong toTarget = new AtomicLong();
    private final AtomicLong fromTarget = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    /** CPU time of the relay's threads that have ended; live ones are asked when needed. */
    private final AtomicLong endedCpuNanos = new AtomicLong();
    private volatile InetSocketAddress target;
    private volatile boolean closed;

    private record Chunk(byte[] data, long dueNanos) {
    }

    private DelayingRelay(ServerSocket server, Duration oneWayDelay) {
        this.server = server;
        this.delayNanos = oneWayDelay.toNanos();
    }

    /**
     * Starts a relay listening on {@code listen} (port 0 for any) and forwarding to {@code target}.
     *
     * @param oneWayDelay the delay added in each direction: half the emulated round-trip time
     */
    public static DelayingRelay start(InetSocketAddress listen, InetSocketAddress target, Duration oneWayDelay) {
        DelayingRelay relay = open(listen, oneWayDelay);
        relay.forwardTo(target);
        return relay;
    }

    /**
     * Binds a relay that does not forward yet: its address can be handed out (as a node's advertised
     * port) before the node it stands in front of is started; {@link #forwardTo} starts it.
     * Connections made before then wait in the listen backlog.
     */
    public static DelayingRelay open(InetSocketAddress listen, Duration oneWayDelay) {
        if (oneWayDelay.isNegative()) {
            throw new IllegalArgumentException("relay: delay " + oneWayDelay + " is negative");
        }
        ServerSocket s = null;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(listen, 512);
            return new DelayingRelay(s, oneWayDelay);
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // failing anyway
                }
            }
            throw new UncheckedIOException("relay: cannot listen on " + listen + ": " + e.getMessage(), e);
        }
    }

    /** Starts forwarding every connection, accepted now or waiting, to {@code target}. */
    public synchronized void forwardTo(InetSocketAddress target) {
        if (this.target != null) {
            throw new IllegalStateException("relay on " + address() + " already forwards to " + this.target);
        }
        if (closed) {
            throw new IllegalStateException("relay on " + address() + " is closed");
        }
        this.target = target;
        daemon("relay-accept-" + server.getLocalPort(), this::acceptLoop).start();
    }

    /** Where to connect instead of the target. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Where connections go, or null before {@link #forwardTo}. */
    public InetSocketAddress target() {
        return target;
    }

    /** Bytes forwarded so far, both directions. */
    public long bytesForwarded() {
        return toTarget.get() + fromTarget.get();
    }

    /** Bytes forwarded so far from the connecting sides to the target. */
    public long bytesToTarget() {
        return toTarget.get();
    }

    /** Bytes forwarded so far from the target back to the connecting sides. */
    public long bytesFromTarget() {
        return fromTarget.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /**
     * CPU time the relay's threads have used so far (0 where the JVM cannot measure it): the
     * emulation's own cost, which the parties' processes would not pay over a real network.
     */
    public long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = endedCpuNanos.get();
        if (mx.isThreadCpuTimeSupported()) {
            for (Thread t : threads) {
                total += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            long acceptedAt = System.nanoTime();
            connections.incrementAndGet();
            sockets.add(client);
            if (closed) {
                closeQuietly(client);
                return;
            }
            try {
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                sockets.remove(client);
                continue;
            }
            relay(client, acceptedAt);
        }
    }

    /** One relayed connection: when both directions have ended, both sockets are closed and forgotten. */
    private final class Link {
        final Socket client;
        final Socket upstream = new Socket();
        private final AtomicInteger ended = new AtomicInteger();

        Link(Socket client) {
            this.client = client;
            sockets.add(upstream);
        }

        /** Ends the whole connection at once (a failure on either side). */
        void abort() {
            closeQuietly(client);
            closeQuietly(upstream);
            sockets.remove(client);
            sockets.remove(upstream);
        }

        /** One direction reached its end and passed it on. */
        void directionEnded() {
            if (ended.incrementAndGet() == 2) {
                abort();
            }
        }
    }

    /** Relays one accepted connection: the client's bytes are queued at once, the target reached 3d later. */
    private void relay(Socket client, long acceptedAt) {
        Link link = new Link(client);
        if (closed) {
            link.abort();
            return;
        }
        BlockingQueue<Chunk> outbound = new LinkedBlockingQueue<>();
        InetSocketAddress to = target;
        String name = client.getPort() + "->" + to.getPort();
        daemon("relay-read-" + name, () -> read(client, outbound)).start();
        daemon("relay-write-" + name, () -> {
            // The emulated TCP handshake: nothing reaches the target before SYN, SYN-ACK and ACK would have.
            awaitNanos(acceptedAt + 3 * delayNanos);
            try {
                if (closed) {
                    throw new IOException("relay closed");
                }
                link.upstream.setTcpNoDelay(true);
                link.upstream.connect(to, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                link.abort();
                return;
            }
            BlockingQueue<Chunk> inbound = new LinkedBlockingQueue<>();
            String back = to.getPort() + "->" + client.getPort();
            daemon("relay-read-" + back, () -> read(link.upstream, inbound)).start();
            daemon("relay-write-" + back, () -> write(inbound, client, link, fromTarget)).start();
            write(outbound, link.upstream, link, toTarget);
        }).start();
    }

    /** Reads {@code from} until its end, queueing each chunk with the time it is due on the other side. */
    private void read(Socket from, BlockingQueue<Chunk> queue) {
        byte[] buf = new byte[CHUNK];
        try {
            // Not try-with-resources: closing a socket's stream closes the socket, and the other
            // direction may still be sending after this one reached its end.
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
    }

    /** Writes each queued chunk to {@code to} when it is due; at the end, half-closes {@code to}. */
    private void write(BlockingQueue<Chunk> queue, Socket to, Link link, AtomicLong counter) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.take();
                if (c == EOF) {
                    to.shutdownOutput();
                    link.directionEnded();
                    return;
                }
                awaitNanos(c.dueNanos);
                // Counted as it is handed on, so that whoever has read these bytes sees them counted.
                counter.addAndGet(c.data.length);
                out.write(c.data);
                out.flush();
            }
        } catch (IOException e) {
            link.abort(); // the other side is gone: end both
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitNanos(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private Thread daemon(String name, Runnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                long cpu = mx.isThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
                // Counted as ended before it leaves the live set, so a reader never misses it.
                endedCpuNanos.addAndGet(Math.max(0, cpu));
                threads.remove(Thread.currentThread());
            }
        }, name);
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
        synchronized (this) {
            closed = true;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
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
