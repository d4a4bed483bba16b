package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * One authenticated TLS connection to a peer node, framed: it may carry several sessions one after
 * the other (see {@link MpcListener}'s idle links), each through its own {@link TlsChannel}. A
 * writer thread owns the socket's output, so sending only queues frames and never waits for the
 * peer to read (two parties may send to each other at once); reads happen on the caller's thread.
 *
 * <p>A frame is a 4-byte big-endian length (its top bit marks an abort notice) and the payload.
 */
final class TlsLink {
    private static final FramedChannel.Frame CLOSE = new FramedChannel.Frame(false, new byte[0]);
    private static final int BUFFER = 1 << 15;
    private static final AtomicInteger IDS = new AtomicInteger();

    private final SSLSocket ssl;
    private final Socket raw;
    private final String peerFingerprint;
    private final boolean client;
    private final DataInputStream in;
    private final OutputStream out;
    private final LinkedBlockingQueue<FramedChannel.Frame> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile IOException writeFailure;
    private volatile boolean closing;
    private int soTimeout = -1;
    private long idleSince;

    /**
     * @param ssl the connection, handshaken, the peer's certificate checked, its hello answered
     * @param peerFingerprint the peer's certificate fingerprint
     */
    TlsLink(SSLSocket ssl, Socket raw, String peerFingerprint) throws IOException {
        this.ssl = ssl;
        this.raw = raw;
        this.peerFingerprint = peerFingerprint;
        this.client = ssl.getUseClientMode();
        this.in = new DataInputStream(new BufferedInputStream(ssl.getInputStream(), BUFFER));
        this.out = new BufferedOutputStream(ssl.getOutputStream(), BUFFER);
        this.writer = new Thread(this::writeLoop, "mpc-link-" + IDS.incrementAndGet());
        writer.setDaemon(true);
        writer.start();
    }

    String peerFingerprint() {
        return peerFingerprint;
    }

    /** Whether this side opened the connection (it then speaks first when the link is reused). */
    boolean client() {
        return client;
    }

    /** Queues a frame. After a write failure frames are dropped: reading from the peer tells what happened. */
    void send(FramedChannel.Frame frame, int peer) {
        if (closing) {
            throw new MpcAbortException("channel", peer, "network is closed");
        }
        if (writeFailure == null) {
            queue.add(frame);
        }
    }

    /**
     * The next frame, waiting at most {@code waitMillis}.
     *
     * @param peer the peer's party index in the current session, for error messages
     */
    FramedChannel.Frame receive(long waitMillis, int peer) {
        try {
            int len;
            try {
                timeout(waitMillis);
                len = in.readInt();
            } catch (EOFException e) {
                throw new MpcAbortException("disconnect", peer, "peer closed the connection");
            }
            boolean notice = (len & FramedChannel.NOTICE_FLAG) != 0;
            len &= ~FramedChannel.NOTICE_FLAG;
            if (len <= 0 || len > FramedChannel.MAX_FRAME) {
                throw new MpcAbortException("frame-size", peer, "peer announced a frame of " + Integer.toUnsignedString(len)
                        + " bytes; frames must be 1 to " + FramedChannel.MAX_FRAME + " bytes");
            }
            byte[] frame = new byte[len];
            try {
                in.readFully(frame);
            } catch (EOFException e) {
                throw new MpcAbortException("disconnect", peer, "peer closed the connection in the middle of a message");
            }
            return new FramedChannel.Frame(notice, frame);
        } catch (SocketTimeoutException e) {
            throw new MpcAbortException("timeout", peer, "no message within " + waitMillis + " ms");
        } catch (IOException e) {
            if (closing) {
                throw new MpcAbortException("channel", peer, "network is closed");
            }
            throw new MpcAbortException("disconnect", peer, "connection failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    private void timeout(long millis) throws IOException {
        int t = (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
        if (t != soTimeout) {
            ssl.setSoTimeout(t);
            soTimeout = t;
        }
    }

    /** Whether the link can carry another session: open, nothing failed, nothing unread in its buffer. */
    boolean reusable() {
        try {
            return !closing && writeFailure == null && !raw.isClosed() && in.available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    long idleSince() {
        return idleSince;
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    private void writeLoop() {
        try {
            while (true) {
                FramedChannel.Frame f = queue.take();
                if (f == CLOSE) {
                    out.flush();
                    ssl.shutdownOutput(); // close_notify: the peer's reads end at once
                    return;
                }
                int n = f.payload().length | (f.notice() ? FramedChannel.NOTICE_FLAG : 0);
                out.write(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                out.write(f.payload());
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closing) {
                // Reads see the broken connection themselves (after anything the peer sent before it
                // left, such as its abort notice, which closing the socket now would discard).
                writeFailure = e;
            }
        }
    }

    /** Asks the writer to send what is queued, then close_notify. */
    void beginClose() {
        if (!closing) {
            closing = true;
            queue.add(CLOSE);
        }
    }

    /** Waits up to {@code millis} for the writer to drain, then closes the socket regardless. */
    void finishClose(long millis) {
        try {
            writer.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSocket();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes at once: send what is queued if quick, close_notify, close. */
    void close() {
        beginClose();
        finishClose(200);
    }

    private void closeSocket() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
