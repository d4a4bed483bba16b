package io.angler.node.mpc;

import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.Network;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST DOUBLE. One party's view of a real session network with its outgoing traffic tampered
 * with: {@code onFlush} is told every flush (the party's rounds), and from flush number
 * {@code corruptFrom} on, the first long of every {@code writeLongs} has its lowest bit flipped,
 * so the party sends wrong values while otherwise following the protocol.
 */
final class TappedNetwork implements Network {
    private final Network net;
    private final int corruptFrom;
    private final Runnable onFlush;
    private final AtomicInteger flushes = new AtomicInteger();

    TappedNetwork(Network net, int corruptFrom, Runnable onFlush) {
        this.net = net;
        this.corruptFrom = corruptFrom;
        this.onFlush = onFlush;
    }

    int flushes() {
        return flushes.get();
    }

    @Override
    public int self() {
        return net.self();
    }

    @Override
    public int parties() {
        return net.parties();
    }

    @Override
    public String identity(int party) {
        return net.identity(party);
    }

    @Override
    public Channel channel(int peer) {
        Channel ch = net.channel(peer);
        return new Channel() {
            @Override
            public int peer() {
                return ch.peer();
            }

            @Override
            public void write(byte[] src, int off, int len) {
                ch.write(src, off, len);
            }

            @Override
            public void writeLongs(long[] src, int off, int len) {
                if (corruptFrom >= 0 && flushes.get() >= corruptFrom && len > 0) {
                    long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                    copy[0] ^= 1;
                    ch.writeLongs(copy, 0, len);
                } else {
                    ch.writeLongs(src, off, len);
                }
            }

            @Override
            public void flush() {
                ch.flush();
                flushes.incrementAndGet();
                onFlush.run();
            }

            @Override
            public void read(byte[] dst, int off, int len) {
                ch.read(dst, off, len);
            }

            @Override
            public void readLongs(long[] dst, int off, int len) {
                ch.readLongs(dst, off, len);
            }

            @Override
            public void sendNotice(io.angler.mpc.MpcAbortException.Evidence evidence, String check, int blamed) {
                ch.sendNotice(evidence, check, blamed);
            }

            @Override
            public io.angler.mpc.MpcAbortException.Report awaitNotice(long deadlineNanos) {
                return ch.awaitNotice(deadlineNanos);
            }

            @Override
            public ChannelStats stats() {
                return ch.stats();
            }
        };
    }

    @Override
    public void flushAll() {
        for (int p = 0; p < parties(); p++) {
            if (p != self()) {
                channel(p).flush();
            }
        }
    }

    @Override
    public void close() {
        net.close();
    }
}
