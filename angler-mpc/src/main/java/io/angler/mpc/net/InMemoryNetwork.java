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
    private static final FramedChannel.Frame CLOSED = new FramedChannel.Frame(false, new byte[0]);

    private final int self;
    private final Link[] links;
    private final List<String> identities;
    private volatile boolean closed;

    private InMemoryNetwork(int self, int parties, List<String> identities) {
        this.self = self;
        this.links = new Link[parties];
        this.identities = identities;
    }

    /** Creates the n parties' networks, without identities; element i is party i's view. */
    public static List<Network> create(int parties, Duration timeout) {
        return create(parties, null, timeout);
    }

    /**
     * Creates the networks of parties with the given long-term identities ({@link #identity}), as if
     * they were nodes that meet again in later sessions; element i is party i's view.
     */
    public static List<Network> create(List<String> identities, Duration timeout) {
        return create(identities.size(), List.copyOf(identities), timeout);
    }

    private static List<Network> create(int parties, List<String> identities, Duration timeout) {
        if (parties < 2) {
            throw new IllegalArgumentException("network: needs at least 2 parties, got " + parties);
        }
        List<InMemoryNetwork> nets = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            nets.add(new InMemoryNetwork(i, parties, identities));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        BlockingQueue<FramedChannel.Frame>[][] queues = new BlockingQueue[parties][parties]; // [from][to]
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
                    nets.get(i).links[j] = new Link(j, parties, queues[i][j], queues[j][i], timeout, nets.get(i));
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
    public String identity(int party) {
        return identities == null ? null : identities.get(party);
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
        private final BlockingQueue<Frame> outgoing;
        private final BlockingQueue<Frame> incoming;
        private final long timeoutNanos;
        private final InMemoryNetwork owner;

        Link(int peer, int parties, BlockingQueue<Frame> outgoing, BlockingQueue<Frame> incoming, Duration timeout,
             InMemoryNetwork owner) {
            super(peer, parties);
            this.outgoing = outgoing;
            this.incoming = incoming;
            this.timeoutNanos = timeout.toNanos();
            this.owner = owner;
        }

        @Override
        protected void sendFrame(Frame frame) {
            if (owner.closed) {
                throw new MpcAbortException("channel", peer(), "network is closed");
            }
            outgoing.offer(frame);
        }

        @Override
        protected Frame receiveFrame(long waitNanos) {
            if (owner.closed) {
                throw new MpcAbortException("channel", peer(), "network is closed");
            }
            Frame frame;
            long wait = waitNanos < 0 ? timeoutNanos : waitNanos;
            try {
                frame = incoming.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MpcAbortException("channel", peer(), "interrupted while waiting for the peer");
            }
            if (frame == null) {
                throw new MpcAbortException("timeout", peer(), "no message within "
                        + Duration.ofNanos(wait).toMillis() + " ms");
            }
            if (frame == CLOSED) {
                incoming.offer(CLOSED); // later reads fail too
                throw new MpcAbortException("disconnect", peer(), "peer closed the connection");
            }
            return frame;
        }
    }
}
