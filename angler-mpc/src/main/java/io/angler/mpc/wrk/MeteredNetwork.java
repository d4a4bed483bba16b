package io.angler.mpc.wrk;

import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ForwardingChannel;
import io.angler.mpc.net.ForwardingNetwork;
import io.angler.mpc.net.Network;

/** A view of a session's network that reports every write, read and flush to a {@link PhaseMeter}. */
final class MeteredNetwork extends ForwardingNetwork {
    private final Metered[] channels;

    MeteredNetwork(Network net, PhaseMeter meter) {
        super(net);
        this.channels = new Metered[net.parties()];
        for (int p = 0; p < channels.length; p++) {
            if (p != net.self()) {
                channels[p] = new Metered(net.channel(p), meter);
            }
        }
    }

    @Override
    public Channel channel(int peer) {
        if (peer == delegate.self() || peer < 0 || peer >= channels.length) {
            throw new IllegalArgumentException("network: no channel from party " + delegate.self() + " to " + peer);
        }
        return channels[peer];
    }

    /** The engine does not own the network: closing is the caller's business. */
    @Override
    public void close() {
    }

    private static final class Metered extends ForwardingChannel {
        private final PhaseMeter meter;
        private boolean pending;

        Metered(Channel ch, PhaseMeter meter) {
            super(ch);
            this.meter = meter;
        }

        @Override
        public void write(byte[] src, int off, int len) {
            delegate.write(src, off, len);
            meter.sent(len);
            pending |= len > 0;
        }

        @Override
        public void writeLongs(long[] src, int off, int len) {
            delegate.writeLongs(src, off, len);
            meter.sent(8L * len);
            pending |= len > 0;
        }

        @Override
        public void flush() {
            delegate.flush();
            if (pending) {
                meter.flushed(delegate.peer());
                pending = false;
            }
        }

        @Override
        public void read(byte[] dst, int off, int len) {
            delegate.read(dst, off, len);
            meter.received(len);
        }

        @Override
        public void readLongs(long[] dst, int off, int len) {
            delegate.readLongs(dst, off, len);
            meter.received(8L * len);
        }
    }
}
