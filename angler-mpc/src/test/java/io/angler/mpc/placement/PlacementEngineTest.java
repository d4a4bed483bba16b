package io.angler.mpc.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.TlsNetwork;
import io.angler.mpc.wrk.WrkEngine;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.mpc.wrk.WrkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The placement under the WRK engine against the plaintext oracle ({@link PlaintextPlacement}),
 * each party checked on its own view only: what the requester decodes from the bits the engine
 * delivered to it, and what each provider decodes from its own. A loser must have received only
 * zero bits; a winner its units (and in second-price its price).
 *
 * <p>Most cases run several placements side by side in one engine session ({@link
 * RepeatedCircuit}): the engine's fixed cost is then paid once per batch, so hundreds of cases fit
 * in a few tens of seconds on two cores. The rest go through the {@link Placement} API itself,
 * over in-memory networks and, for a few, TLS on loopback.
 */
class PlacementEngineTest {
    private static final PlacementWidths W = PlacementWidths.DEFAULT;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Placements per engine session in the batched tests: fewer for the larger sessions. */
    private static int copies(int providers) {
        return providers <= 4 ? 8 : 5;
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void randomCasesUnderTheEngineAgreeWithTheOracle(PlacementMode mode) {
        SplittableRandom rnd = new SplittableRandom(31 + mode.ordinal());
        int cases = 0;
        for (int k = 1; k <= 6; k++) {
            for (boolean minimum : new boolean[] {false, true}) {
                PlacementCircuit pc = PlacementCircuit.build(new PlacementSpec(mode, k, W, minimum));
                List<PlacementCircuitTest.Case> batch = new ArrayList<>();
                for (int i = 0; i < copies(k); i++) {
                    batch.add(PlacementCircuitTest.randomCase(mode, k, W, minimum, rnd));
                }
                cases += runBatch(pc, batch);
            }
        }
        assertThat(cases).isEqualTo(2 * (4 * 8 + 2 * 5));
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void edgeCasesUnderTheEngine(PlacementMode mode) {
        long maxU = W.maxUnits();
        long maxP = W.maxPrice();
        int m4 = mode == PlacementMode.SPLIT ? 4 : 1;
        List<PlacementCircuitTest.Case> cases = List.of(
                c(mode, 5, m4, b(4, 10), b(0, 1), b(3, 2), b(4, 0)),                 // nobody fits
                c(mode, 1, m4, b(0, 10), b(0, 1), b(0, 2), b(0, 0)),                 // every capacity zero
                c(mode, 3, m4, b(3, 7), b(3, 7), b(3, 7), b(3, 7)),                  // ties: the lowest index
                c(mode, maxU, m4, b(maxU, maxP), b(maxU, maxP), b(maxU - 1, 0), b(maxU, maxP - 1)), // maxima
                c(mode, 1, m4, b(maxU, maxP, maxU), b(1, maxP), b(0, 0), b(maxU, maxP)),
                c(mode, 10, m4, b(1, 4), b(2, 3), b(3, 2), b(4, 1)),                 // split: over every provider
                c(mode, 8, 2, b(3, 1), b(3, 2), b(3, 3), b(3, 4)),                   // split: the provider limit
                c(mode, 6, m4, b(9, 1, 7), b(9, 2), b(6, 3, 6), b(0, 0)),            // minimums
                c(mode, 5, m4, b(9, 10), b(9, 20, 6), b(9, 30), b(4, 1)));           // second-price: runner-up's minimum
        PlacementCircuit pc = PlacementCircuit.build(new PlacementSpec(mode, 4, W, true));
        assertThat(runBatch(pc, cases)).isEqualTo(cases.size());
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void thePlacementApiGivesEachPartyItsOwnView(PlacementMode mode) {
        SplittableRandom rnd = new SplittableRandom(77 + mode.ordinal());
        for (int k = 1; k <= 5; k++) {
            boolean minimum = k % 2 == 0;
            PlacementSpec spec = new PlacementSpec(mode, k, W, minimum);
            PlacementCircuitTest.Case cs = PlacementCircuitTest.randomCase(mode, k, W, minimum, rnd);
            LocalPlacement.Result r = LocalPlacement.run(InMemoryNetwork.create(k + 1, TIMEOUT), spec, cs.request(),
                    cs.bids(), WrkOptions.DEFAULT);
            checkViews(mode, cs, r);
            assertThat(r.stats()).hasSize(k + 1);
            for (PlacementStats s : r.stats()) {
                assertThat(s.andGates()).isEqualTo(Placement.circuit(spec).circuit().andGates());
                assertThat(s.millisByPhase()).containsKeys("base-ot", "triples", "garbling", "online", "output");
                assertThat(s.total().bytesSent()).isPositive();
                assertThat(s.total().rounds()).isPositive();
            }
        }
    }

    @Test
    void overTlsEveryPartyOnItsOwnSocket() {
        // one winner, one below its minimum, one without capacity, in each mode
        List<Bid> bids = List.of(b(9, 50), b(9, 40, 8), b(0, 10));
        for (PlacementMode mode : PlacementMode.values()) {
            PlacementRequest request = new PlacementRequest(5, 1);
            PlacementSpec spec = new PlacementSpec(mode, 3, W, true);
            LocalPlacement.Result r = LocalPlacement.run(TlsNetwork.local(4, TlsNetwork.Timeouts.DEFAULT), spec,
                    request, bids, WrkOptions.DEFAULT);
            checkViews(mode, new PlacementCircuitTest.Case(request, bids), r);
            assertThat(r.requesterView()).containsExactly(new Allocation(1, 5, 50));
            assertThat(r.providerViews().get(1)).isEqualTo(ProviderView.lost(2));
        }
    }

    @Test
    void badInputsAreRefusedBeforeAnythingIsSent() {
        PlacementSpec spec = new PlacementSpec(PlacementMode.FIRST_PRICE, 2, W, false);
        List<Network> nets = InMemoryNetwork.create(3, TIMEOUT);
        try {
            assertThatThrownBy(() -> Placement.runProvider(nets.get(1), spec, 1, b(70000, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity 70000");
            assertThatThrownBy(() -> Placement.runProvider(nets.get(2), spec, 2, b(5, 1, 3)))
                    .hasMessageContaining("minimum request 3 needs a placement with minimums");
            assertThatThrownBy(() -> Placement.runProvider(nets.get(1), spec, 2, b(5, 1)))
                    .hasMessageContaining("this network is party 1's, not party 2's");
            assertThatThrownBy(() -> Placement.runProvider(nets.get(1), spec, 3, b(5, 1)))
                    .hasMessageContaining("provider index 3 is outside 1..2");
            assertThatThrownBy(() -> Placement.runRequester(nets.get(0), new PlacementSpec(PlacementMode.FIRST_PRICE, 3, W, false),
                    PlacementRequest.single(1))).hasMessageContaining("the network has 3 parties but the session has 4");
            assertThatThrownBy(() -> Placement.runRequester(nets.get(0), spec, PlacementRequest.single(65536)))
                    .hasMessageContaining("units 65536 exceed the maximum 65535");
            assertThatThrownBy(() -> Placement.runRequester(nets.get(0), spec, new PlacementRequest(3, 2)))
                    .hasMessageContaining("max-providers applies to split mode only");
            for (Network n : nets) {
                assertThat(n.totalStats().bytesSent()).as("party %d sent nothing", n.self()).isZero();
            }
        } finally {
            nets.forEach(Network::close);
        }
        assertThatThrownBy(() -> LocalPlacement.run(InMemoryNetwork.create(3, TIMEOUT), spec,
                PlacementRequest.single(1), List.of(b(1, 1), b(1, 1L << 32)), WrkOptions.DEFAULT))
                .hasMessageContaining("provider 2: price 4294967296 exceeds the maximum");
    }

    // ---- the harness ----

    /**
     * Runs the cases side by side in one engine session (in-memory network, a thread per party)
     * and checks every party's own view of every case; returns the number of cases checked.
     */
    private static int runBatch(PlacementCircuit pc, List<PlacementCircuitTest.Case> cases) {
        int n = cases.size();
        Circuit circuit = RepeatedCircuit.of(pc.circuit(), n);
        OutputPlan plan = RepeatedCircuit.plan(pc.outputPlan(), n);
        int parties = pc.parties();
        boolean[][] inputs = new boolean[parties][];
        for (int p = 0; p < parties; p++) {
            boolean[][] perCopy = new boolean[n][];
            for (int j = 0; j < n; j++) {
                PlacementCircuitTest.Case cs = cases.get(j);
                perCopy[j] = p == 0 ? pc.requesterInput(cs.request()) : pc.providerInput(p, cs.bids().get(p - 1));
            }
            inputs[p] = RepeatedCircuit.concat(perCopy);
        }
        WrkResult[] results = runParties(circuit, plan, inputs, InMemoryNetwork.create(Math.max(2, parties), TIMEOUT));
        for (int j = 0; j < n; j++) {
            PlacementCircuitTest.Case cs = cases.get(j);
            PlacementOutcome want = PlaintextPlacement.place(pc.mode(), cs.request(), cs.bids());
            String what = pc.spec() + " " + cs;
            boolean[] requesterBits = RepeatedCircuit.slice(received(results[0]), j, n);
            assertThat(pc.requesterView(requesterBits, cs.request())).as(what).isEqualTo(want.allocations());
            for (int i = 1; i < parties; i++) {
                boolean[] own = RepeatedCircuit.slice(received(results[i]), j, n);
                ProviderView view = pc.providerView(i, own, cs.bids().get(i - 1));
                assertThat(view).as("provider %d in %s", i, what).isEqualTo(want.providerView(i));
                checkRaw(pc, i, own, view, what);
            }
        }
        // and nobody received a bit the plan does not give it
        for (int p = 0; p < parties; p++) {
            for (int bit = 0; bit < plan.outputBits(); bit++) {
                assertThat(results[p].learned(bit)).isEqualTo(plan.learns(p, bit));
            }
        }
        return n;
    }

    /** A loser's bits are all zero; a winner's carry its units (and in second-price its price). */
    private static void checkRaw(PlacementCircuit pc, int index, boolean[] own, ProviderView view, String what) {
        int[] mine = pc.outputPlan().bitsOf(index);
        if (!view.won()) {
            for (int bit : mine) {
                assertThat(own[bit]).as("losing provider %d receives bit %d in %s", index, bit, what).isFalse();
            }
        } else {
            assertThat(view.units()).as("winner %d's units in %s", index, what).isPositive();
            boolean any = false;
            for (int bit : mine) {
                any |= own[bit];
            }
            assertThat(any).isTrue();
        }
    }

    private static void checkViews(PlacementMode mode, PlacementCircuitTest.Case cs, LocalPlacement.Result r) {
        PlacementOutcome want = PlaintextPlacement.place(mode, cs.request(), cs.bids());
        assertThat(r.requesterView()).as("%s %s", mode, cs).isEqualTo(want.allocations());
        assertThat(r.providerViews()).as("%s %s", mode, cs).isEqualTo(want.providerViews());
    }

    private static boolean[] received(WrkResult r) {
        boolean[] out = new boolean[r.outputBits()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.learned(i) && r.value(i);
        }
        return out;
    }

    private static WrkResult[] runParties(Circuit c, OutputPlan plan, boolean[][] inputs, List<Network> nets) {
        ExecutorService pool = Executors.newFixedThreadPool(nets.size());
        try {
            List<Future<WrkResult>> futures = new ArrayList<>();
            for (Network net : nets) {
                boolean[] in = net.self() < inputs.length ? inputs[net.self()] : new boolean[0];
                futures.add(pool.submit(() -> {
                    try (net) {
                        return WrkEngine.run(net, c, plan, in, WrkOptions.DEFAULT);
                    }
                }));
            }
            WrkResult[] out = new WrkResult[nets.size()];
            for (int p = 0; p < out.length; p++) {
                out[p] = futures.get(p).get(2, TimeUnit.MINUTES);
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("the engine failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static PlacementCircuitTest.Case c(PlacementMode mode, long units, int m, Bid... bids) {
        return new PlacementCircuitTest.Case(new PlacementRequest(units, mode == PlacementMode.SPLIT ? m : 1),
                List.of(bids));
    }

    private static Bid b(long capacity, long price) {
        return new Bid(capacity, price);
    }

    private static Bid b(long capacity, long price, long min) {
        return new Bid(capacity, price, min);
    }
}
