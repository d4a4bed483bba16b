package io.angler.mpc.net;

/**
 * A reliable, ordered, authenticated byte stream to one peer in a session.
 *
 * <p>Writes are buffered until {@link #flush()}, which sends what was written as one message and
 * never waits for the peer to read (so two parties may send to each other at the same time).
 * Reads block until the bytes arrive, for at most the network's timeout; message boundaries are
 * invisible to the reader. Every failure (timeout, disconnect, an oversized frame) is an
 * {@link io.angler.mpc.MpcAbortException} naming the peer.
 *
 * <p>A channel is used by one protocol thread at a time.
 */
public interface Channel {
    /** The peer's party index. */
    int peer();

    void write(byte[] src, int off, int len);

    /** Writes {@code len} longs, little-endian. */
    void writeLongs(long[] src, int off, int len);

    default void write(byte[] src) {
        write(src, 0, src.length);
    }

    default void writeLongs(long[] src) {
        writeLongs(src, 0, src.length);
    }

    default void writeInt(int v) {
        write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    /** Sends everything written since the last flush as one message (one round, in the statistics). */
    void flush();

    void read(byte[] dst, int off, int len);

    /** Reads {@code len} little-endian longs. */
    void readLongs(long[] dst, int off, int len);

    default void read(byte[] dst) {
        read(dst, 0, dst.length);
    }

    default void readLongs(long[] dst) {
        readLongs(dst, 0, dst.length);
    }

    default byte[] readBytes(int len) {
        byte[] b = new byte[len];
        read(b, 0, len);
        return b;
    }

    default int readInt() {
        byte[] b = readBytes(4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /**
     * Ends this party's side of the session towards the peer: drops whatever was written since the
     * last flush and sends an abort notice in its place. The peer's next read that needs bytes fails
     * with this party's report ({@link io.angler.mpc.MpcAbortException.Evidence#REPORT}). Best
     * effort: never throws.
     *
     * @param evidence how this party came to abort
     * @param check the check or step it names
     * @param blamed the party it blames (or follows, for a report), or -1
     */
    void sendNotice(io.angler.mpc.MpcAbortException.Evidence evidence, String check, int blamed);

    /**
     * After an abort: discards the peer's incoming data until its abort notice arrives, and returns
     * it; null if the peer closed the connection or sent none before {@code deadlineNanos}
     * ({@link System#nanoTime()} scale). Never throws.
     */
    io.angler.mpc.MpcAbortException.Report awaitNotice(long deadlineNanos);

    /** Whether a read found that the peer closed the connection (rather than timing out). */
    boolean peerClosed();

    /** Bytes and messages exchanged with this peer so far. */
    ChannelStats stats();
}
