package io.angler.node.testing;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.node.lease.SessionInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ideal functionality of one placement, for testing what surrounds the MPC: each provider
 * hands in its inputs and gets back exactly its view, computed in the clear by the oracle once
 * every input is in. A provider whose minimum request exceeds the request counts as capacity 0.
 */
public final class IdealPlacement {
    private final PlacementMode mode;
    private final PlacementRequest request;
    private final SessionInput[] inputs;
    private PlacementOutcome outcome;
    private boolean aborted;

    public IdealPlacement(PlacementMode mode, PlacementRequest request, int providers) {
        this.mode = mode;
        this.request = request;
        this.inputs = new SessionInput[providers];
    }

    public synchronized ProviderView provide(int index, SessionInput input) throws Exception {
        if (inputs[index - 1] != null) {
            throw new IllegalStateException("party " + index + " gave its input twice");
        }
        inputs[index - 1] = input;
        if (Arrays.stream(inputs).allMatch(i -> i != null)) {
            outcome = PlaintextPlacement.place(mode, request, bids());
            notifyAll();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (outcome == null && !aborted) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("ideal placement: not every party gave its input");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (aborted) {
            throw new java.io.IOException("session aborted by the requester");
        }
        return outcome.providerView(index);
    }

    /** Waits for the requester's view. */
    public synchronized PlacementOutcome awaitOutcome() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (outcome == null && !aborted) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("ideal placement: no outcome");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (aborted) {
            throw new IllegalStateException("aborted");
        }
        return outcome;
    }

    public synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    /** The bids the oracle saw (minimums applied). */
    public synchronized List<Bid> bids() {
        List<Bid> bids = new ArrayList<>();
        for (SessionInput in : inputs) {
            long capacity = request.units() < in.minUnits() ? 0 : in.capacity();
            bids.add(new Bid(capacity, in.price()));
        }
        return bids;
    }
}
