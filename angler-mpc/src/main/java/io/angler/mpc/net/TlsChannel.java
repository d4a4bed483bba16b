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
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

/**
 * A channel over one TLS connection. Frames are a 4-byte big-endian length and the payload. A
 * writer thread owns the socket's output, so {@link #flush()} only queues frames and never waits
 * for the peer to read; the protocol thread reads directly, bounded by the read timeout.
 */
final class TlsChannel extends FramedChannel {
    private static final Frame CLOSE = new Frame(false, new byte[0]);
    private static final int BUFFER = 1 << 15;

    private final SSLSocket ssl;
    private final Socket raw;
    private final DataInputStream in;
    private final OutputStream out;
    private final long readTimeoutMillis;
    private final LinkedBlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile IOException writeFailure;
    private volatile boolean closing;

    TlsChannel(int self, int peer, int parties, SSLSocket ssl, Socket raw, Duration readTimeout) throws IOException {
        super(peer, parties);
        this.ssl = ssl;
        this.raw = raw;
        this.readTimeoutMillis = Math.max(1, readTimeout.toMillis());
        ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeoutMillis));
        this.in = new DataInputStream(new BufferedInputStream(ssl.getInputStream(), BUFFER));
        this.out = new BufferedOutputStream(ssl.getOutputStream(), BUFFER);
        this.writer = new Thread(this::writeLoop, "mpc-writer-" + self + "-to-" + peer);
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    protected void sendFrame(Frame frame) {
        if (closing) {
            throw new MpcAbortException("channel", peer(), "network is closed");
        }
        if (writeFailure != null) {
            // The connection broke (the peer left). Reading from the peer tells how: its abort notice
            // if it sent one before leaving, else a disconnect. Failing here instead would lose that.
            return;
        }
        queue.add(frame);
    }

    @Override
    protected Frame receiveFrame(long waitNanos) {
        long waitMillis = waitNanos < 0 ? readTimeoutMillis : Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
        try {
            int len;
            try {
                if (waitMillis != readTimeoutMillis) {
                    ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, waitMillis));
                }
                len = in.readInt();
            } catch (EOFException e) {
                throw new MpcAbortException("disconnect", peer(), "peer closed the connection");
            } finally {
                if (waitMillis != readTimeoutMillis) {
                    ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeoutMillis));
                }
            }
            boolean notice = (len & NOTICE_FLAG) != 0;
            len &= ~NOTICE_FLAG;
            if (len <= 0 || len > MAX_FRAME) {
                throw new MpcAbortException("frame-size", peer(), "peer announced a frame of " + Integer.toUnsignedString(len)
                        + " bytes; frames must be 1 to " + MAX_FRAME + " bytes");
            }
            byte[] frame = new byte[len];
            try {
                in.readFully(frame);
            } catch (EOFException e) {
                throw new MpcAbortException("disconnect", peer(), "peer closed the connection in the middle of a message");
            }
            return new Frame(notice, frame);
        } catch (SocketTimeoutException e) {
            throw new MpcAbortException("timeout", peer(), "no message within " + waitMillis + " ms");
        } catch (IOException e) {
            if (closing) {
                throw new MpcAbortException("channel", peer(), "network is closed");
            }
            throw new MpcAbortException("disconnect", peer(), "connection failed: " + describe(e));
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    private void writeLoop() {
        try {
            while (true) {
                Frame f = queue.take();
                if (f == CLOSE) {
                    out.flush();
                    ssl.shutdownOutput(); // close_notify: the peer's reads end at once
                    return;
                }
                int n = f.payload().length | (f.notice() ? NOTICE_FLAG : 0);
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
        closing = true;
        queue.add(CLOSE);
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

    private void closeSocket() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
