package io.angler.cli.bench;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsNetwork;
import io.angler.node.lease.SessionInput;
import io.angler.node.mpc.SessionLinks;
import io.angler.node.protocol.Message;
import io.angler.node.provider.SessionRunner;
import io.angler.node.requester.RequesterRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * THE NO-PRIVACY BASELINE of {@code angler bench e2e}: a placement in which every provider
 * <b>reveals its capacity and price to the requester</b>, who computes the plaintext placement
 * and tells each provider its own result. It exists so that the private flow can be compared with
 * the same flow without privacy, over the same channels: each provider connects to the requester's
 * MPC endpoint (the address and pinned fingerprint of the set-up's party list, TLS 1.3 with mutual
 * authentication, through any relay in front of it), a star rather than the MPC's full mesh, since
 * providers have nothing to say to each other here. Only the benchmark selects it; a real node
 * never runs it.
 *
 * <p>Per session: each provider sends its bid (capacity, price and minimum request: three 8-byte integers); the requester checks every bid
 * fits the set-up's widths, places, and sends each provider whether it won and, if so, its units
 * and price. A provider checks its view is possible for its own bid. Like the MPC runner, a
 * session is cut at its deadline.
 */
public final class PlaintextPlacementRunner implements SessionRunner, RequesterRunner, AutoCloseable {
    private static final Duration READ = Duration.ofSeconds(30);

    private final MpcListener listener;
    private final Set<TlsNetwork> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "angler-plaintext-deadlines");
        t.setDaemon(true);
        return t;
    });
    private volatile Consumer<ChannelStats> statistics = s -> { };
    private volatile boolean closed;

    public PlaintextPlacementRunner(MpcListener listener) {
        this.listener = listener;
    }

    /** Tells {@code sink} each finished session's traffic of this party (payload bytes and messages). */
    public void statistics(Consumer<ChannelStats> sink) {
        this.statistics = sink == null ? s -> { } : sink;
    }

    @Override
    public ProviderView run(Message.SessionSetup setup, int partyIndex, SessionInput input) {
        Link link = connect(setup, partyIndex, 1);
        try {
            Channel c = link.channel();
            c.writeLongs(new long[] {input.capacity(), input.price(), input.bid().minUnits()});
            c.flush();
            long[] view = new long[3];
            c.readLongs(view, 0, 3);
            statistics.accept(c.stats());
            ProviderView checked = checkedView(partyIndex, view, input);
            link.net().release(); // kept for the next session with the requester, as the MPC runner does
            return checked;
        } finally {
            close(link);
        }
    }

    @Override
    public List<Allocation> run(Message.SessionSetup setup, PlacementRequest request) {
        int k = setup.parties().size() - 1;
        List<Link> links = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(k, r -> {
            Thread t = new Thread(r, "angler-plaintext-connect");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Link>> joins = new ArrayList<>();
            for (int i = 1; i <= k; i++) {
                int provider = i;
                joins.add(pool.submit(() -> connect(setup, provider, 0)));
            }
            MpcAbortException failure = null;
            for (Future<Link> f : joins) {
                try {
                    links.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof MpcAbortException m ? m
                                : new MpcAbortException("connect", -1, "star set-up failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            PlacementWidths widths = new PlacementWidths(setup.unitBits(), setup.priceBits());
            List<Bid> bids = new ArrayList<>();
            for (int i = 1; i <= k; i++) {
                long[] bid = new long[3];
                links.get(i - 1).channel().readLongs(bid, 0, 3);
                if (bid[0] < 0 || bid[0] > widths.maxUnits() || bid[1] < 0 || bid[1] > widths.maxPrice()
                        || bid[2] < 1 || bid[2] > widths.maxUnits()) {
                    throw new MpcAbortException("input", i, "provider " + i + " sent a bid outside the session's widths");
                }
                bids.add(new Bid(bid[0], bid[1], bid[2]));
            }
            PlacementOutcome outcome = PlaintextPlacement.place(setup.mode(), request, bids);
            ChannelStats sent = ChannelStats.ZERO;
            for (int i = 1; i <= k; i++) {
                ProviderView v = outcome.providerView(i);
                Channel c = links.get(i - 1).channel();
                c.writeLongs(new long[] {v.won() ? 1 : 0, v.units(), v.price()});
                c.flush();
                sent = sent.plus(c.stats());
            }
            statistics.accept(sent);
            links.forEach(l -> l.net().release());
            return outcome.allocations();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MpcAbortException("interrupted", -1, "interrupted while providers connected");
        } finally {
            pool.shutdownNow();
            links.forEach(this::close);
        }
    }

    /** A provider's view must be possible for its own bid; anything else is the requester lying. */
    private static ProviderView checkedView(int index, long[] v, SessionInput input) {
        if (v[0] == 0 && v[1] == 0 && v[2] == 0) {
            return ProviderView.lost(index);
        }
        if (v[0] != 1 || v[1] < 1 || v[1] > input.capacity() || v[2] < 0) {
            throw new MpcAbortException("result", 0, "the requester sent a result impossible for this provider's bid");
        }
        return new ProviderView(index, true, v[1], v[2]);
    }

    /**
     * The two-party link between the requester (0) and provider {@code provider}, as party
     * {@code self} of it (0 requester, 1 provider), through this node's listener.
     */
    private Link connect(Message.SessionSetup setup, int provider, int self) {
        if (closed) {
            throw new MpcAbortException("interrupted", -1, "this node is stopping");
        }
        long left = setup.deadlineEpochMs() - System.currentTimeMillis();
        if (left <= 0) {
            throw new MpcAbortException("timeout", -1, "the session's deadline has passed");
        }
        List<PartyEndpoint> pair = List.of(SessionLinks.endpoint(setup, 0), SessionLinks.endpoint(setup, provider));
        TlsNetwork.Timeouts timeouts = new TlsNetwork.Timeouts(
                SessionLinks.within(TlsNetwork.Timeouts.connectFor(setup.parties().size() - 1), left),
                SessionLinks.within(READ, left));
        TlsNetwork net;
        try {
            net = TlsNetwork.connect(listener, linkId(setup, provider), self, pair, timeouts);
        } catch (MpcAbortException e) {
            // Name the session's party, not the index within the pair.
            throw new MpcAbortException(e.check(), e.peer() == 1 ? provider : e.peer(), e.getMessage(), e);
        }
        open.add(net);
        ScheduledFuture<?> cut = deadlines.schedule(net::close, Math.max(1, left), TimeUnit.MILLISECONDS);
        return new Link(net, cut);
    }

    /** A requester-provider link of one session, cut at the session's deadline. */
    private record Link(TlsNetwork net, ScheduledFuture<?> cut) {
        Channel channel() {
            return net.channel(1 - net.self());
        }
    }

    private void close(Link l) {
        l.cut().cancel(false);
        open.remove(l.net());
        l.net().close();
    }

    /** The link's mesh id: bound to the requester's identity and the session, and apart from the MPC's. */
    static String linkId(Message.SessionSetup setup, int provider) {
        return SessionLinks.id("plaintext/" + setup.parties().get(0).fingerprint() + "/" + setup.sessionId() + "/"
                + provider);
    }

    /** Ends every running session and stops the timer. */
    @Override
    public void close() {
        closed = true;
        for (TlsNetwork n : open) {
            n.close();
        }
        deadlines.shutdownNow();
    }
}
