package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The buffering half of a channel, shared by every transport: writes collect in a growable buffer
 * that {@link #flush()} hands to the transport as frames of at most {@link #MAX_FRAME} bytes, and
 * reads consume incoming frames as one continuous stream.
 *
 * <p>A frame is either data or an abort notice ({@link AbortNotice}; on the wire, the top bit of
 * the length). A notice is never part of a message: a reader that reaches one while it needs more
 * bytes gets the sender's abort ({@link MpcAbortException#reported}), whatever phase it is in.
 */
public abstract class FramedChannel implements Channel {
    /** Largest frame on the wire; larger messages are split, larger announced frames are refused. */
    public static final int MAX_FRAME = 16 << 20;
    /** The bit of a frame's length word that marks an abort notice. */
    static final int NOTICE_FLAG = 1 << 31;

    /** One frame as the transport carries it. */
    protected record Frame(boolean notice, byte[] payload) {
    }

    private final int peer;
    private final int parties;
    private MpcAbortException.Report notice;
    private boolean peerClosed;
    private byte[] out = new byte[1 << 12];
    private int outLen;
    private byte[] in = new byte[0];
    private int inPos;
    private long bytesSent;
    private long bytesReceived;
    private long messagesSent;

    /**
     * @param peer the peer's party index
     * @param parties the number of parties in the session (to validate the party a notice names)
     */
    protected FramedChannel(int peer, int parties) {
        this.peer = peer;
        this.parties = parties;
    }

    /** Hands one frame (owned by the callee from now on) to the transport; must not wait for the peer. */
    protected abstract void sendFrame(Frame frame);

    /**
     * The next incoming frame, waiting at most {@code waitNanos} (negative: the channel's read
     * timeout); throws {@link MpcAbortException} on failure or timeout.
     */
    protected abstract Frame receiveFrame(long waitNanos);

    @Override
    public int peer() {
        return peer;
    }

    @Override
    public void write(byte[] src, int off, int len) {
        ensure(len);
        System.arraycopy(src, off, out, outLen, len);
        outLen += len;
    }

    @Override
    public void writeLongs(long[] src, int off, int len) {
        int bytes = Math.multiplyExact(len, 8);
        ensure(bytes);
        ByteBuffer.wrap(out, outLen, bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(src, off, len);
        outLen += bytes;
    }

    private void ensure(int extra) {
        long need = (long) outLen + extra;
        if (need > Integer.MAX_VALUE - 16) {
            throw new MpcAbortException("channel", peer, "message larger than 2 GiB");
        }
        if (need > out.length) {
            out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * out.length)));
        }
    }

    @Override
    public void flush() {
        if (outLen == 0) {
            return;
        }
        for (int off = 0; off < outLen; off += MAX_FRAME) {
            sendFrame(new Frame(false, Arrays.copyOfRange(out, off, Math.min(outLen, off + MAX_FRAME))));
        }
        bytesSent += outLen;
        messagesSent++;
        outLen = 0;
        if (out.length > (1 << 20)) {
            out = new byte[1 << 12]; // don't pin a large buffer between phases
        }
    }

    @Override
    public void sendNotice(MpcAbortException.Evidence evidence, String check, int blamed) {
        outLen = 0; // a half-written message is never sent
        try {
            sendFrame(new Frame(true, AbortNotice.encode(evidence, check, blamed)));
        } catch (RuntimeException e) {
            // best effort: the peer may be gone already
        }
    }

    @Override
    public MpcAbortException.Report awaitNotice(long deadlineNanos) {
        try {
            while (notice == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                Frame f = receive(left);
                if (f.notice()) {
                    notice = AbortNotice.decode(f.payload(), peer, parties);
                }
            }
            return notice;
        } catch (MpcAbortException e) {
            return null; // closed or silent: no notice
        }
    }

    @Override
    public boolean peerClosed() {
        return peerClosed;
    }

    /** The next frame; notes whether a failure was the peer closing the connection. */
    private Frame receive(long waitNanos) {
        try {
            return receiveFrame(waitNanos);
        } catch (MpcAbortException e) {
            peerClosed |= e.check().equals("disconnect");
            throw e;
        }
    }

    /** The next data frame into the read buffer; a notice frame ends the session here. */
    private void nextFrame() {
        if (notice == null) {
            Frame f = receive(-1);
            if (!f.notice()) {
                in = f.payload();
                inPos = 0;
                bytesReceived += in.length;
                return;
            }
            notice = AbortNotice.decode(f.payload(), peer, parties);
        }
        throw MpcAbortException.reported(notice);
    }

    @Override
    public void read(byte[] dst, int off, int len) {
        while (len > 0) {
            if (inPos == in.length) {
                nextFrame();
                continue;
            }
            int n = Math.min(len, in.length - inPos);
            System.arraycopy(in, inPos, dst, off, n);
            inPos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void readLongs(long[] dst, int off, int len) {
        while (len > 0) {
            if (in.length - inPos >= 8) {
                int n = Math.min(len, (in.length - inPos) / 8);
                ByteBuffer.wrap(in, inPos, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, off, n);
                inPos += n * 8;
                off += n;
                len -= n;
            } else {
                // a long split across frames: take it byte by byte
                byte[] b = new byte[8];
                read(b, 0, 8);
                dst[off++] = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
                len--;
            }
        }
    }

    /** Nothing written and not flushed, nothing received and not read, no abort notice: the stream is at rest. */
    protected boolean atRest() {
        return outLen == 0 && inPos == in.length && notice == null;
    }

    @Override
    public ChannelStats stats() {
        return new ChannelStats(bytesSent, bytesReceived, messagesSent);
    }
}
