package io.angler.mpc.placement;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;
import io.angler.mpc.wrk.WrkEngine;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.mpc.wrk.WrkResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One party's side of a placement under MPC (SPEC 1.6, 1.7): given the session's connected
 * network and this party's private input, runs the placement circuit under the WRK engine and
 * returns exactly this party's own view, decoded from the authenticated output bits the engine
 * delivered to it (a decoder rejects any bit pattern that is not a valid view). Party 0 is the
 * requester, the engine's evaluator; parties 1..K are the providers in session order.
 *
 * <p>Every party of a session calls its method at the same time with the same {@link
 * PlacementSpec} and {@link WrkOptions}. Inputs are checked against the widths, and the network
 * against the session's size and this party's index, before anything is sent, with a message
 * naming the problem ({@link IllegalArgumentException}). A failed check, a disconnect or a timeout
 * during the run is an {@link MpcAbortException}; the caller owns and closes the network.
 *
 * <pre>{@code
 * PlacementSpec spec = new PlacementSpec(PlacementMode.FIRST_PRICE, k, PlacementWidths.DEFAULT, true);
 * RequesterOutcome r = Placement.runRequester(net, spec, request);     // on party 0
 * ProviderOutcome p = Placement.runProvider(net, spec, index, bid);    // on party index
 * }</pre>
 */
public final class Placement {
    /** Circuits kept built, most recently used first; a session's circuit depends only on its spec. */
    private static final int CACHED_CIRCUITS = 32;
    private static final Map<PlacementSpec, PlacementCircuit> CIRCUITS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PlacementSpec, PlacementCircuit> eldest) {
            return size() > CACHED_CIRCUITS;
        }
    };

    private Placement() {
    }

    /**
     * What the requester learned.
     *
     * @param allocations the winners in ascending provider order, each with its units and price;
     *     empty when the request cannot be served
     * @param stats the engine's figures for this party
     */
    public record RequesterOutcome(List<Allocation> allocations, PlacementStats stats) {
        public RequesterOutcome {
            allocations = List.copyOf(allocations);
        }
    }

    /**
     * What one provider learned.
     *
     * @param view whether it won and, only then, its units and price
     * @param stats the engine's figures for this party
     */
    public record ProviderOutcome(ProviderView view, PlacementStats stats) {
    }

    /** The circuit for {@code spec}, built once and shared (circuits are immutable). */
    public static PlacementCircuit circuit(PlacementSpec spec) {
        Objects.requireNonNull(spec, "spec");
        synchronized (CIRCUITS) {
            PlacementCircuit c = CIRCUITS.get(spec);
            if (c == null) {
                c = PlacementCircuit.build(spec);
                CIRCUITS.put(spec, c);
            }
            return c;
        }
    }

    /**
     * Checks the requester's input against the spec without running anything, e.g. before the
     * session's connections are made.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static void checkRequester(PlacementSpec spec, PlacementRequest request) {
        circuit(spec).requesterInput(Objects.requireNonNull(request, "request"));
    }

    /**
     * Checks provider {@code index}'s input against the spec without running anything.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static void checkProvider(PlacementSpec spec, int index, Bid bid) {
        circuit(spec).providerInput(index, Objects.requireNonNull(bid, "bid"));
    }

    /** The requester's side (party 0) with the default engine settings. */
    public static RequesterOutcome runRequester(Network net, PlacementSpec spec, PlacementRequest request) {
        return runRequester(net, spec, request, WrkOptions.DEFAULT);
    }

    /**
     * The requester's side: party 0 of {@code net}.
     *
     * @throws IllegalArgumentException if the request does not fit the spec or the network is not
     *     this session's party 0 (nothing has been sent)
     * @throws MpcAbortException if the session aborted
     */
    public static RequesterOutcome runRequester(Network net, PlacementSpec spec, PlacementRequest request,
                                                WrkOptions options) {
        return runRequester(net, spec, request, options, null);
    }

    /**
     * As {@link #runRequester(Network, PlacementSpec, PlacementRequest, WrkOptions)}, keeping this
     * node's pairwise OT state between sessions in {@code cache} (null: none; see {@link CotCache}).
     */
    public static RequesterOutcome runRequester(Network net, PlacementSpec spec, PlacementRequest request,
                                                WrkOptions options, CotCache cache) {
        Objects.requireNonNull(request, "request");
        PlacementCircuit c = circuit(spec);
        checkNetwork(net, spec, 0);
        boolean[] input = c.requesterInput(request);
        WrkResult r = WrkEngine.run(net, c.circuit(), c.outputPlan(), input, options, cache);
        return new RequesterOutcome(c.requesterView(received(r), request), PlacementStats.of(r, c.circuit().andGates()));
    }

    /** A provider's side with the default engine settings. */
    public static ProviderOutcome runProvider(Network net, PlacementSpec spec, int index, Bid bid) {
        return runProvider(net, spec, index, bid, WrkOptions.DEFAULT);
    }

    /**
     * Provider {@code index}'s side (1-based): party {@code index} of {@code net}.
     *
     * @throws IllegalArgumentException if the bid does not fit the spec (a value beyond the widths,
     *     a minimum in a spec without minimums) or the network is not this session's party
     *     {@code index} (nothing has been sent)
     * @throws MpcAbortException if the session aborted
     */
    public static ProviderOutcome runProvider(Network net, PlacementSpec spec, int index, Bid bid,
                                              WrkOptions options) {
        return runProvider(net, spec, index, bid, options, null);
    }

    /**
     * As {@link #runProvider(Network, PlacementSpec, int, Bid, WrkOptions)}, keeping this node's
     * pairwise OT state between sessions in {@code cache} (null: none; see {@link CotCache}).
     */
    public static ProviderOutcome runProvider(Network net, PlacementSpec spec, int index, Bid bid,
                                              WrkOptions options, CotCache cache) {
        Objects.requireNonNull(bid, "bid");
        PlacementCircuit c = circuit(spec);
        if (index < 1 || index > spec.providers()) {
            throw new IllegalArgumentException("placement: provider index " + index + " is outside 1.."
                    + spec.providers());
        }
        checkNetwork(net, spec, index);
        boolean[] input = c.providerInput(index, bid);
        WrkResult r = WrkEngine.run(net, c.circuit(), c.outputPlan(), input, options, cache);
        return new ProviderOutcome(c.providerView(index, received(r), bid), PlacementStats.of(r, c.circuit().andGates()));
    }

    /** The output bits this party received; the others read as 0 (the decoders never look at them). */
    private static boolean[] received(WrkResult r) {
        boolean[] out = new boolean[r.outputBits()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.learned(i) && r.value(i);
        }
        return out;
    }

    private static void checkNetwork(Network net, PlacementSpec spec, int self) {
        Objects.requireNonNull(net, "network");
        if (net.parties() != spec.parties()) {
            throw new IllegalArgumentException("placement: the network has " + net.parties() + " parties but the"
                    + " session has " + spec.parties() + " (the requester and " + spec.providers() + " providers)");
        }
        if (net.self() != self) {
            throw new IllegalArgumentException("placement: this network is party " + net.self() + "'s, not party "
                    + self + "'s" + (self == 0 ? " (the requester is party 0)" : ""));
        }
    }
}
