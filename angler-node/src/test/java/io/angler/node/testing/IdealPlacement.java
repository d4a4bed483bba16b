package io.angler.node.testing;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TEST DOUBLE. The ideal functionality of one placement, for testing everything around the MPC:
 * each party hands in its input and gets back exactly its view, computed in the clear by the
 * oracle once every input is in. It models the ways a real session ends without a result, with
 * the same exception the engine throws: a party that does not join in time ({@code connect},
 * attributed to the first missing party), a party that stops ({@code disconnect}, attributed to
 * it), and a party that deviates from the protocol ({@code output-mac}, attributed to it; no party
 * gets a result). It is never used outside the tests.
 */
public final class IdealPlacement {
    private final PlacementMode mode;
    private final Duration joinTimeout;
    private final Bid[] bids;
    private PlacementRequest request;
    private PlacementOutcome outcome;
    private MpcAbortException failure;
    private String failureDetail;

    public IdealPlacement(PlacementMode mode, int providers, Duration joinTimeout) {
        this.mode = mode;
        this.joinTimeout = joinTimeout;
        this.bids = new Bid[providers];
    }

    public int providers() {
        return bids.length;
    }

    /** Provider {@code index}'s side: its bid in, its view out. */
    public synchronized ProviderView provide(int index, Bid bid) throws Exception {
        if (bids[index - 1] != null) {
            throw new IllegalStateException("party " + index + " gave its input twice");
        }
        bids[index - 1] = bid;
        complete();
        await(index);
        return outcome.providerView(index);
    }

    /** The requester's side: its request in, the allocations out. */
    public synchronized List<Allocation> request(PlacementRequest r) throws Exception {
        if (request != null) {
            throw new IllegalStateException("the requester gave its input twice");
        }
        request = r;
        complete();
        await(0);
        return outcome.allocations();
    }

    /** Party {@code index} deviates from the protocol: the checks catch it and nobody gets a result. */
    public synchronized void deviate(int index) {
        fail("output-mac", index, "the MAC of an output share from party " + index + " does not verify");
    }

    /** The session ends without a result (a party closed its connections). */
    public synchronized void disconnect(int index) {
        fail("disconnect", index, "party " + index + " closed the connection");
    }

    public synchronized boolean finished() {
        return outcome != null || failure != null;
    }

    /** The bids the oracle saw, in session order (null where a provider never gave one). */
    public synchronized List<Bid> bids() {
        return new ArrayList<>(Arrays.asList(bids));
    }

    public synchronized PlacementRequest requestSeen() {
        return request;
    }

    private void complete() {
        if (failure == null && outcome == null && request != null && Arrays.stream(bids).allMatch(b -> b != null)) {
            outcome = PlaintextPlacement.place(mode, request, Arrays.asList(bids));
            notifyAll();
        }
    }

    private void fail(String check, int peer, String detail) {
        if (outcome == null && failure == null) {
            failure = new MpcAbortException(check, peer, detail);
            failureDetail = detail;
            notifyAll();
        }
    }

    private void await(int self) throws Exception {
        long end = System.nanoTime() + joinTimeout.toNanos();
        while (outcome == null && failure == null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                fail("connect", firstMissing(), "party " + firstMissing() + " did not join within "
                        + joinTimeout.toMillis() + " ms");
                break;
            }
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                disconnect(self); // this party was stopped: the others see it go
                throw e;
            }
        }
        if (failure != null) {
            throw new MpcAbortException(failure.check(), failure.peer(), failureDetail);
        }
    }

    private int firstMissing() {
        if (request == null) {
            return 0;
        }
        for (int i = 0; i < bids.length; i++) {
            if (bids[i] == null) {
                return i + 1;
            }
        }
        return -1;
    }
}
