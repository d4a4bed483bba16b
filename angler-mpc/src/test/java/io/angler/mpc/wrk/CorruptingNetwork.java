package io.angler.mpc.wrk;

import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ForwardingChannel;
import io.angler.mpc.net.ForwardingNetwork;
import io.angler.mpc.net.Network;

/**
 * TEST DOUBLE: one party's network whose traffic to one peer is corrupted from the start, to make
 * the party cheat in the OT phases (whose messages the engine's {@link Deviation} seam does not
 * reach): the last byte of every byte write and the lowest bit of the first long of every long
 * write are flipped. Base-OT points then fail to decode, OT-extension matrices fail the KOS check.
 */
final class CorruptingNetwork extends ForwardingNetwork {
    private final int target;

    CorruptingNetwork(Network net, int target) {
        super(net);
        this.target = target;
    }

    @Override
    public Channel channel(int peer) {
        Channel ch = delegate.channel(peer);
        if (peer != target) {
            return ch;
        }
        return new ForwardingChannel(ch) {
            @Override
            public void write(byte[] src, int off, int len) {
                byte[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                if (len > 0) {
                    copy[len - 1] ^= 1;
                }
                delegate.write(copy, 0, len);
            }

            @Override
            public void writeLongs(long[] src, int off, int len) {
                long[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
                if (len > 0) {
                    copy[0] ^= 1;
                }
                delegate.writeLongs(copy, 0, len);
            }
        };
    }
}
