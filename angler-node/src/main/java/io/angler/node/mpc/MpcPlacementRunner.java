package io.angler.node.mpc;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsNetwork;
import io.angler.mpc.ot.CotCache;
import io.angler.mpc.placement.Placement;
import io.angler.mpc.placement.PlacementSpec;
import io.angler.mpc.placement.PlacementStats;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.node.lease.SessionInput;
import io.angler.node.protocol.Message;
import io.angler.node.provider.SessionRunner;
import io.angler.node.requester.RequesterRunner;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The placement under MPC, for either side of a session: builds the session's TLS mesh from the
 * set-up's party list (each party's endpoint and pinned certificate fingerprint) through this
 * node's {@link MpcListener} and runs this party's side of the placement with {@link Placement}
 * (the mode's circuit under the WRK engine; exactly this party's view comes back, decoded from the
 * authenticated output bits the engine delivered to it). The requester is party 0, the evaluator;
 * providers are parties 1..K. Sessions always use the circuits with minimum requests, so every
 * provider inputs its {@code lease.minUnits} (1 when it has none) and nobody learns who set one.
 *
 * <p>A session never outlives its deadline: at the deadline its connections are closed, which
 * ends the engine's reads at every party. Closing the runner closes every session it runs (the
 * node is stopping).
 */
public final class MpcPlacementRunner implements SessionRunner, RequesterRunner, AutoCloseable {
    /**
     * The longest any one message may take, within the deadline. The mesh set-up's bound grows with
     * the parties ({@link TlsNetwork.Timeouts#connectForMesh}), also within the deadline.
     */
    static final Duration READ = Duration.ofSeconds(30);

    private final MpcListener listener;
    private final WrkOptions options;
    /** This node's OT state kept between sessions (null when {@link WrkOptions#reuseOt()} is off). */
    private final CotCache cotCache;
    private final Set<TlsNetwork> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "angler-mpc-deadlines");
        t.setDaemon(true);
        return t;
    });
    private volatile Consumer<PlacementStats> statistics = r -> { };
    private volatile boolean closed;
    /** The tests' seam: how this party's traffic is tampered with (identity in production). */
    private final UnaryOperator<Network> tap;

    public MpcPlacementRunner(MpcListener listener, WrkOptions options) {
        this(listener, options, UnaryOperator.identity());
    }

    /** The tests' other seam: the party list this party builds its mesh from (as given in production). */
    private final UnaryOperator<List<PartyEndpoint>> mesh;

    /** For tests only: {@code tap} wraps each session's network, to make this party misbehave. */
    MpcPlacementRunner(MpcListener listener, WrkOptions options, UnaryOperator<Network> tap) {
        this(listener, options, tap, UnaryOperator.identity());
    }

    /** For tests only: as above, and {@code mesh} changes the party list, to make this party misbehave in the set-up. */
    MpcPlacementRunner(MpcListener listener, WrkOptions options, UnaryOperator<Network> tap,
                       UnaryOperator<List<PartyEndpoint>> mesh) {
        this.listener = listener;
        this.options = options;
        this.tap = tap;
        this.mesh = mesh;
        this.cotCache = options.reuseOt() ? new CotCache() : null;
    }

    public MpcPlacementRunner(MpcListener listener) {
        this(listener, WrkOptions.DEFAULT);
    }

    /** What the OT cache did so far (null when OT reuse is off). */
    public CotCache.Stats otCacheStats() {
        return cotCache == null ? null : cotCache.stats();
    }

    /** Tells {@code sink} each finished session's figures (time, bytes, rounds per phase). */
    public void statistics(Consumer<PlacementStats> sink) {
        this.statistics = sink == null ? r -> { } : sink;
    }

    @Override
    public ProviderView run(Message.SessionSetup setup, int partyIndex, SessionInput input) {
        PlacementSpec spec = spec(setup);
        Placement.checkProvider(spec, partyIndex, input.bid()); // before any connection
        Placement.ProviderOutcome o = session(setup, partyIndex,
                net -> Placement.runProvider(net, spec, partyIndex, input.bid(), options, cotCache));
        statistics.accept(o.stats());
        return o.view();
    }

    @Override
    public List<Allocation> run(Message.SessionSetup setup, PlacementRequest request) {
        PlacementSpec spec = spec(setup);
        Placement.checkRequester(spec, request); // before any connection
        Placement.RequesterOutcome o = session(setup, 0, net -> Placement.runRequester(net, spec, request, options, cotCache));
        statistics.accept(o.stats());
        return o.allocations();
    }

    /** The session's circuit: the set-up's mode, provider count and widths, with minimum requests. */
    static PlacementSpec spec(Message.SessionSetup setup) {
        return new PlacementSpec(setup.mode(), setup.parties().size() - 1,
                new PlacementWidths(setup.unitBits(), setup.priceBits()), true);
    }

    private <T> T session(Message.SessionSetup setup, int self, Function<Network, T> placement) {
        if (closed) {
            throw new MpcAbortException("interrupted", -1, "this node is stopping");
        }
        long left = setup.deadlineEpochMs() - System.currentTimeMillis();
        if (left <= 0) {
            throw new MpcAbortException("timeout", -1, "the session's deadline has passed");
        }
        TlsNetwork.Timeouts timeouts = timeouts(setup.parties().size(), self, left);
        TlsNetwork net = TlsNetwork.connect(listener, meshId(setup), self, mesh.apply(SessionLinks.endpoints(setup)), timeouts);
        open.add(net);
        ScheduledFuture<?> cut = deadlines.schedule(net::close, Math.max(1, setup.deadlineEpochMs()
                - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        try {
            if (closed) {
                throw new MpcAbortException("interrupted", -1, "this node is stopping");
            }
            T result = placement.apply(tap.apply(net));
            cut.cancel(false);
            net.release(); // the connections stay open for this node's next session with the same peers
            return result;
        } finally {
            cut.cancel(false);
            open.remove(net);
            net.close();
        }
    }

    /** A session's bounds: the mesh set-up's grows with the parties; both end at the deadline, {@code left} ms away. */
    static TlsNetwork.Timeouts timeouts(int parties, int self, long left) {
        // The requester waits longer for a message than the providers: a provider stuck on a silent
        // peer then times out first and its notice tells the requester whom it waited for, instead of
        // the requester blaming that provider for the silence.
        Duration read = self == 0 ? READ.plus(READ.dividedBy(2)) : READ;
        return new TlsNetwork.Timeouts(SessionLinks.within(TlsNetwork.Timeouts.connectForMesh(parties), left),
                SessionLinks.within(read, left));
    }

    /**
     * The mesh's session id: the set-up's id bound to the requester's identity, so that another
     * requester that learnt a session id cannot occupy it at this node's listener.
     */
    static String meshId(Message.SessionSetup setup) {
        return SessionLinks.id(setup.parties().get(0).fingerprint() + "/" + setup.sessionId());
    }


    /** Ends every running session (their parties see this node disconnect) and stops the timer. */
    @Override
    public void close() {
        closed = true;
        for (TlsNetwork n : open) {
            n.close();
        }
        deadlines.shutdownNow();
    }
}
