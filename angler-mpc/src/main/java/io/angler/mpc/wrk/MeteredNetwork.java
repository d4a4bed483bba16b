package io.angler.mpc.wrk;

import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.Network;

/** A view of a session's network that reports every write, read and flush to a {@link PhaseMeter}. */
final class MeteredNetwork implements Network {
    private final Network net;
    private final Metered[] channels;

    MeteredNetwork(Network net, PhaseMeter meter) {
        this.net = net;
        this.channels = new Metered[net.parties()];
        for (int p = 0; p < channels.length; p++) {
            if (p != net.self()) {
                channels[p] = new Metered(net.channel(p), meter);
            }
        }
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
    public Channel channel(int peer) {
        if (peer == net.self() || peer < 0 || peer >= channels.length) {
            throw new IllegalArgumentException("network: no channel from party " + net.self() + " to " + peer);
        }
        return channels[peer];
    }

    /** The engine does not own the network: closing is the caller's business. */
    @Override
    public void close() {
    }

    private static final class Metered implements Channel {
        private final Channel ch;
        private final PhaseMeter meter;
        private boolean pending;

        Metered(Channel ch, PhaseMeter meter) {
            this.ch = ch;
            this.meter = meter;
        }

        @Override
        public int peer() {
            return ch.peer();
        }

        @Override
        public void write(byte[] src, int off, int len) {
            ch.write(src, off, len);
            meter.sent(len);
            pending |= len > 0;
        }

        @Override
        public void writeLongs(long[] src, int off, int len) {
            ch.writeLongs(src, off, len);
            meter.sent(8L * len);
            pending |= len > 0;
        }

        @Override
        public void flush() {
            ch.flush();
            if (pending) {
                meter.flushed(ch.peer());
                pending = false;
            }
        }

        @Override
        public void read(byte[] dst, int off, int len) {
            ch.read(dst, off, len);
            meter.received(len);
        }

        @Override
        public void readLongs(long[] dst, int off, int len) {
            ch.readLongs(dst, off, len);
            meter.received(8L * len);
        }

        @Override
        public ChannelStats stats() {
            return ch.stats();
        }
    }
}
