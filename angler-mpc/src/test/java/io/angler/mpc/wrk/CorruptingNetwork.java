package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.Network;

/**
 * TEST DOUBLE: one party's network whose traffic to one peer is corrupted from the start, to make
 * the party cheat in the OT phases (whose messages the engine's {@link Deviation} seam does not
 * reach): the last byte of every byte write and the lowest bit of the first long of every long
 * write are flipped. Base-OT points then fail to decode, OT-extension matrices fail the KOS check.
 */
final class CorruptingNetwork implements Network {
    private final Network net;
    private final int target;

    CorruptingNetwork(Network net, int target) {
        this.net = net;
        this.target = target;
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
        if (peer != target) {
            return ch;
        }
        return new Channel() {
            @Override
            public int peer() {
                return ch.peer();
            }

            @Override
            public void write(byte[] src, int off, int len) {
                byte[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                if (len > 0) {
                    copy[len - 1] ^= 1;
                }
                ch.write(copy, 0, len);
            }

            @Override
            public void writeLongs(long[] src, int off, int len) {
                long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                if (len > 0) {
                    copy[0] ^= 1;
                }
                ch.writeLongs(copy, 0, len);
            }

            @Override
            public void flush() {
                ch.flush();
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
            public void sendNotice(MpcAbortException.Evidence evidence, String check, int blamed) {
                ch.sendNotice(evidence, check, blamed);
            }

            @Override
            public MpcAbortException.Report awaitNotice(long deadlineNanos) {
                return ch.awaitNotice(deadlineNanos);
            }

            @Override
            public boolean peerClosed() {
                return ch.peerClosed();
            }

            @Override
            public ChannelStats stats() {
                return ch.stats();
            }
        };
    }

    @Override
    public void close() {
        net.close();
    }
}
