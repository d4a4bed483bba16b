package io.angler.cli.bench;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.mpc.placement.PlacementStats;
import io.angler.node.lease.SessionInput;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.protocol.Message;
import io.angler.node.provider.SessionRunner;
import io.angler.node.requester.RequesterRunner;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One node's placement runner in the WAN benchmark's pool: the MPC placement or the plaintext
 * baseline, whichever flow the benchmark is measuring now (every node of the pool follows the
 * same selector, and runs are sequential, so a session never mixes the two). Both runners share
 * the node's one MPC listener, and so its relay.
 */
final class FlowRunner implements SessionRunner, RequesterRunner, AutoCloseable {
    private final Supplier<Flow> flow;
    private final MpcPlacementRunner mpc;
    private final PlaintextPlacementRunner plaintext;
    private final MpcListener listener;

    /**
     * @param cold whether every session meets its peers as if for the first time: no OT state kept
     *     (the base OTs every time); the pool also drops idle connections between runs
     */
    FlowRunner(Supplier<Flow> flow, MpcListener listener, boolean cold, Consumer<PlacementStats> mpcStats,
               Consumer<ChannelStats> plaintextStats) {
        this.flow = flow;
        this.listener = listener;
        this.mpc = new MpcPlacementRunner(listener, WrkOptions.DEFAULT.withOtReuse(!cold));
        this.plaintext = new PlaintextPlacementRunner(listener);
        mpc.statistics(mpcStats);
        plaintext.statistics(plaintextStats);
    }

    @Override
    public ProviderView run(Message.SessionSetup setup, int partyIndex, SessionInput input) {
        return flow.get() == Flow.PRIVATE ? mpc.run(setup, partyIndex, input) : plaintext.run(setup, partyIndex, input);
    }

    @Override
    public List<Allocation> run(Message.SessionSetup setup, PlacementRequest request) {
        return flow.get() == Flow.PRIVATE ? mpc.run(setup, request) : plaintext.run(setup, request);
    }

    /** Closes this node's idle MPC connections, so the next session connects afresh. */
    void dropIdleLinks() {
        listener.closeIdleLinks();
    }

    @Override
    public void close() {
        mpc.close();
        plaintext.close();
    }
}
