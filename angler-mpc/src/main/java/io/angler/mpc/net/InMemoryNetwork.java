package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A full mesh between n parties inside one process, for unit tests: each direction is a queue of
 * frames. Closing a party's network poisons its peers' queues so that their reads fail at once
 * instead of waiting for the timeout.
 */
public final class InMemoryNetwork implements Network {
    private static final byte[] CLOSED = new byte[0];

    private final int self;
    private final Link[] links;
    private volatile boolean closed;

    private InMemoryNetwork(int self, int parties) {
        this.self = self;
        this.links = new Link[parties];
    }

    /** Creates the n parties' networks; element i is party i's view. */
    public static List<Network> create(int parties, Duration timeout) {
        if (parties < 2) {
            throw new IllegalArgumentException("network: needs at least 2 parties, got " + parties);
        }
        List<InMemoryNetwork> nets = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            nets.add(new InMemoryNetwork(i, parties));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        BlockingQueue<byte[]>[][] queues = new BlockingQueue[parties][parties]; // [from][to]
        for (int i = 0; i < parties; i++) {
            for (int j = 0; j < parties; j++) {
                if (i != j) {
                    queues[i][j] = new LinkedBlockingQueue<>();
                }
            }
        }
        for (int i = 0; i < parties; i++) {
            for (int j = 0; j < parties; j++) {
                if (i != j) {
                    nets.get(i).links[j] = new Link(j, queues[i][j], queues[j][i], timeout, nets.get(i));
                }
            }
        }
        return List.copyOf(nets);
    }

    @Override
    public int self() {
        return self;
    }

    @Override
    public int parties() {
        return links.length;
    }

    @Override
    public Channel channel(int peer) {
        if (peer == self || peer < 0 || peer >= links.length) {
            throw new IllegalArgumentException("network: no channel from party " + self + " to " + peer);
        }
        return links[peer];
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Link l : links) {
            if (l != null) {
                l.outgoing.offer(CLOSED);
            }
        }
    }

    private static final class Link extends FramedChannel {
        private final BlockingQueue<byte[]> outgoing;
        private final BlockingQueue<byte[]> incoming;
        private final long timeoutNanos;
        private final InMemoryNetwork owner;

        Link(int peer, BlockingQueue<byte[]> outgoing, BlockingQueue<byte[]> incoming, Duration timeout,
             InMemoryNetwork owner) {
            super(peer);
            this.outgoing = outgoing;
            this.incoming = incoming;
            this.timeoutNanos = timeout.toNanos();
            this.owner = owner;
        }

        @Override
        protected void sendFrame(byte[] frame) {
            if (owner.closed) {
                throw new MpcAbortException("channel", peer(), "network is closed");
            }
            outgoing.offer(frame);
        }

        @Override
        protected byte[] receiveFrame() {
            if (owner.closed) {
                throw new MpcAbortException("channel", peer(), "network is closed");
            }
            byte[] frame;
            try {
                frame = incoming.poll(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MpcAbortException("channel", peer(), "interrupted while waiting for the peer");
            }
            if (frame == null) {
                throw new MpcAbortException("timeout", peer(), "no message within "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
            }
            if (frame == CLOSED) {
                incoming.offer(CLOSED); // later reads fail too
                throw new MpcAbortException("disconnect", peer(), "peer closed the connection");
            }
            return frame;
        }
    }
}
