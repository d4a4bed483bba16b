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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Every placement circuit against the plaintext oracle ({@link PlaintextPlacement}), per party:
 * the requester's and each provider's decoded view must be the oracle's, and the bits each party
 * receives must be exactly the encoding of that view (the decoders reject anything else), so a
 * loser receives only zeros.
 */
class PlacementCircuitTest {
    private static final PlacementWidths W = PlacementWidths.DEFAULT;

    /** One placement instance. */
    record Case(PlacementRequest request, List<Bid> bids) {
    }

    /** Every mode, without and with minimums. */
    static Stream<Arguments> variants() {
        return Stream.of(PlacementMode.values())
                .flatMap(m -> Stream.of(Arguments.of(m, false), Arguments.of(m, true)));
    }

    @ParameterizedTest(name = "{0}, minimums {1}")
    @MethodSource("variants")
    void randomCasesAgreeWithTheOracleForOneToSixteenProviders(PlacementMode mode, boolean minimum) {
        SplittableRandom rnd = new SplittableRandom(mode.ordinal() * 1000L + 17 + (minimum ? 5 : 0));
        int cases = 0;
        for (int k = 1; k <= 16; k++) {
            PlacementCircuit pc = PlacementCircuit.build(new PlacementSpec(mode, k, W, minimum));
            for (int batch = 0; batch < 16; batch++) {
                List<Case> lanes = new ArrayList<>();
                for (int lane = 0; lane < 64; lane++) {
                    lanes.add(randomCase(mode, k, W, minimum, rnd));
                }
                checkBatch(pc, lanes, rnd);
                cases += 64;
            }
        }
        assertThat(cases).isEqualTo(16 * 16 * 64);
    }

    @ParameterizedTest(name = "{0}, minimums {1}")
    @MethodSource("variants")
    void narrowWidthsMakeTiesAndFullRangesCommon(PlacementMode mode, boolean minimum) {
        // 3-bit units and 2-bit prices: every value is an edge value
        PlacementWidths narrow = new PlacementWidths(3, 2);
        SplittableRandom rnd = new SplittableRandom(99 + mode.ordinal() + (minimum ? 50 : 0));
        for (int k = 1; k <= 9; k++) {
            PlacementCircuit pc = PlacementCircuit.build(new PlacementSpec(mode, k, narrow, minimum));
            for (int batch = 0; batch < 8; batch++) {
                List<Case> lanes = new ArrayList<>();
                for (int lane = 0; lane < 64; lane++) {
                    lanes.add(randomCase(mode, k, narrow, minimum, rnd));
                }
                checkBatch(pc, lanes, rnd);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void minimumEdgeCases(PlacementMode mode) {
        long maxU = W.maxUnits();
        long maxP = W.maxPrice();
        int m = mode == PlacementMode.SPLIT ? 3 : 1;
        List<Case> cases = List.of(
                // the cheapest has a minimum above the request: the next one serves
                c(mode, 5, m, b(9, 10, 6), b(9, 20), b(9, 30), b(0, 1)),
                // the request is exactly the minimum
                c(mode, 6, m, b(9, 10, 6), b(9, 20), b(9, 30), b(0, 1)),
                // every minimum above the request: nobody serves, whatever the capacities
                c(mode, 4, m, b(maxU, 1, 5), b(9, 2, 9), b(5, 3, maxU), b(9, 0, 5)),
                // a minimum above its own capacity: it serves nothing, ever
                c(mode, 7, m, b(6, 1, 7), b(7, 5), b(7, 6), b(0, 0)),
                c(mode, maxU, m, b(maxU, 1, maxU), b(maxU, 0, maxU - 1), b(maxU - 1, 0, 1), b(maxU, maxP, maxU)),
                c(mode, 1, m, b(maxU, maxP, 1), b(1, maxP, 2), b(0, 0, 1), b(maxU, 0, maxU)),
                // second-price: the runner-up's minimum decides what the winner is paid
                c(mode, 5, m, b(9, 10), b(9, 20, 6), b(9, 30), b(4, 1)),
                // split: the total reaches the minimum though the provider's own part does not
                c(mode, 6, m, b(3, 10, 6), b(3, 20), b(3, 30), b(3, 40)),
                // split: below the minimum, it takes no place even with the lowest price
                c(mode, 5, m, b(3, 10, 6), b(3, 20), b(2, 30), b(3, 40)),
                c(mode, 6, mode == PlacementMode.SPLIT ? 2 : 1, b(6, 1, 7), b(3, 2), b(3, 3), b(6, 4, 7)));
        PlacementCircuit pc = PlacementCircuit.build(new PlacementSpec(mode, 4, W, true));
        checkBatch(pc, cases, new SplittableRandom(6));
        for (Case cs : cases) {
            assertThat(pc.evaluateInTheClear(cs.request(), cs.bids()))
                    .isEqualTo(PlaintextPlacement.place(mode, cs.request(), cs.bids()));
        }
        // the oracle really ignores providers below their minimum in these cases
        assertThat(PlaintextPlacement.place(mode, cases.get(0).request(), cases.get(0).bids()).providerView(1).won())
                .isFalse();
        assertThat(PlaintextPlacement.place(mode, cases.get(1).request(), cases.get(1).bids()).providerView(1).won())
                .isTrue();
    }

    @Test
    void withoutMinimumsABidWithOneIsRefusedAndMinimumOneChangesNothing() {
        PlacementCircuit plain = PlacementCircuit.build(PlacementMode.FIRST_PRICE, 2, W);
        assertThatThrownBy(() -> plain.providerInput(2, b(5, 5, 3)))
                .hasMessageContaining("provider 2: minimum request 3 needs a placement with minimums");
        assertThat(plain.providerInput(1, b(5, 5, 1))).containsExactly(plain.providerInput(1, b(5, 5)));
        PlacementCircuit withMin = PlacementCircuit.build(new PlacementSpec(PlacementMode.SPLIT, 2, W, true));
        assertThatThrownBy(() -> withMin.providerInput(1, b(5, 5, 65536)))
                .hasMessageContaining("provider 1: minimum request 65536 exceeds the maximum 65535");
    }

    @Test
    void minimumsCostFifteenAndGatesPerProviderInSingleModesAndAboutEighteenInSplit() {
        for (int k : new int[] {1, 2, 3, 8, 17}) {
            for (PlacementMode mode : PlacementMode.values()) {
                int without = PlacementCircuit.build(new PlacementSpec(mode, k, W, false)).circuit().andGates();
                int with = PlacementCircuit.build(new PlacementSpec(mode, k, W, true)).circuit().andGates();
                if (mode == PlacementMode.SPLIT) {
                    assertThat(with - without).as("split, %d providers", k).isBetween(16 * k, 18 * k + 16);
                } else {
                    assertThat(with - without).as("%s, %d providers", mode, k).isEqualTo(15 * k);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void edgeCases(PlacementMode mode) {
        long maxU = W.maxUnits();
        long maxP = W.maxPrice();
        int m4 = mode == PlacementMode.SPLIT ? 4 : 1;
        List<Case> cases = new ArrayList<>(List.of(
                // nobody fits
                c(mode, 5, m4, b(4, 10), b(0, 1), b(3, 2), b(4, 0)),
                // every capacity zero
                c(mode, 1, m4, b(0, 10), b(0, 1), b(0, 2), b(0, 0)),
                // ties everywhere: the lowest index wins
                c(mode, 3, m4, b(3, 7), b(3, 7), b(3, 7), b(3, 7)),
                c(mode, 3, m4, b(2, 7), b(3, 7), b(3, 7), b(9, 7)),
                // the cheapest cannot fit, the next can
                c(mode, 6, m4, b(5, 1), b(6, 2), b(7, 2), b(100, 3)),
                // maximum values
                c(mode, maxU, m4, b(maxU, maxP), b(maxU, maxP), b(maxU - 1, 0), b(maxU, maxP - 1)),
                c(mode, maxU, m4, b(maxU, 0), b(0, 0), b(maxU, 0), b(maxU, maxP)),
                c(mode, 1, m4, b(maxU, maxP), b(1, maxP), b(0, 0), b(maxU, maxP)),
                // a single fitting provider: second-price pays its own price
                c(mode, 10, m4, b(9, 1), b(10, 50), b(9, 2), b(0, 3)),
                // zero price
                c(mode, 2, m4, b(2, 0), b(2, 0), b(1, 0), b(2, 1))));
        if (mode == PlacementMode.SPLIT) {
            cases.addAll(List.of(
                    // split over every provider, exactly enough
                    c(mode, 10, 4, b(1, 4), b(2, 3), b(3, 2), b(4, 1)),
                    // one short of enough: nothing
                    c(mode, 11, 4, b(1, 4), b(2, 3), b(3, 2), b(4, 1)),
                    // enough in total but not within m = 2
                    c(mode, 8, 2, b(3, 1), b(3, 2), b(3, 3), b(3, 4)),
                    // zero-capacity providers do not use up places
                    c(mode, 6, 2, b(0, 0), b(3, 5), b(0, 1), b(3, 6)),
                    // the first provider covers everything: the others get nothing
                    c(mode, 3, 4, b(3, 9), b(9, 1), b(1, 2), b(5, 2)),
                    // m = 1 behaves like first-price on positive capacities
                    c(mode, 4, 1, b(4, 2), b(5, 2), b(3, 1), b(4, 3))));
        }
        PlacementCircuit pc = PlacementCircuit.build(mode, 4, W);
        checkBatch(pc, cases, new SplittableRandom(5));
        // and through the single-instance path
        for (Case cs : cases) {
            assertThat(pc.evaluateInTheClear(cs.request(), cs.bids()))
                    .isEqualTo(PlaintextPlacement.place(mode, cs.request(), cs.bids()));
        }
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void theProviderLimitOf63Works(PlacementMode mode) {
        PlacementCircuit pc = PlacementCircuit.build(mode, PlacementCircuit.MAX_PROVIDERS, W);
        assertThat(pc.parties()).isEqualTo(64);
        SplittableRandom rnd = new SplittableRandom(63);
        List<Case> lanes = new ArrayList<>();
        for (int lane = 0; lane < 64; lane++) {
            lanes.add(randomCase(mode, 63, W, rnd));
        }
        // the last provider wins in one lane: it has the only capacity, or the lowest price
        List<Bid> bids = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            bids.add(b(i == 62 ? 50 : 49, i == 62 ? 1 : 2));
        }
        lanes.set(0, new Case(new PlacementRequest(50, 1), bids));
        checkBatch(pc, lanes, rnd);
        assertThat(PlaintextPlacement.place(mode, lanes.get(0).request(), bids).allocations())
                .extracting(Allocation::provider).containsExactly(63);
        assertThatThrownBy(() -> PlacementCircuit.build(mode, 64, W)).hasMessageContaining("outside 1..63");
        assertThatThrownBy(() -> PlacementCircuit.build(mode, 0, W)).hasMessageContaining("outside 1..63");
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void theOutputPlanRoutesEachBitToTheRequesterAndAtMostOneProvider(PlacementMode mode) {
        for (int k = 1; k <= 12; k++) {
            PlacementCircuit pc = PlacementCircuit.build(mode, k, W);
            OutputPlan plan = pc.outputPlan();
            assertThat(plan.outputBits()).isEqualTo(pc.circuit().outputBits());
            for (int bit = 0; bit < plan.outputBits(); bit++) {
                long providers = plan.recipients(bit) & ~1L;
                assertThat(Long.bitCount(providers)).as("bit %d goes to providers %s", bit,
                        Long.toBinaryString(providers)).isLessThanOrEqualTo(1);
                assertThat(plan.recipients(bit) >>> (k + 1)).isZero();
            }
            // each provider learns a win bit (single modes) and its units, and in second-price its price
            int perProvider = switch (mode) {
                case FIRST_PRICE -> 1 + W.unitBits();
                case SECOND_PRICE -> 1 + W.unitBits() + W.priceBits();
                case SPLIT -> W.unitBits();
            };
            for (int i = 1; i <= k; i++) {
                assertThat(plan.bitsOf(i)).hasSize(perProvider);
            }
        }
    }

    @Test
    void constantsAreNeverInputs() {
        for (PlacementMode mode : PlacementMode.values()) {
            for (int k : new int[] {1, 2, 5, 8, 33}) {
                for (boolean minimum : new boolean[] {false, true}) {
                    Circuit c = PlacementCircuit.build(new PlacementSpec(mode, k, W, minimum)).circuit();
                    int mBits = mode == PlacementMode.SPLIT ? SplitPlacementCircuit.bitsFor(k) : 0;
                    assertThat(c.inputBits(0)).isEqualTo(W.unitBits() + mBits);
                    for (int i = 1; i <= k; i++) {
                        assertThat(c.inputBits(i)).isEqualTo(W.unitBits() * (minimum ? 2 : 1) + W.priceBits());
                    }
                }
            }
        }
    }

    @Test
    void firstPriceWithEightProvidersUsesAtMost100AndGatesPerProvider() {
        Circuit c = PlacementCircuit.build(PlacementMode.FIRST_PRICE, 8, W).circuit();
        assertThat(c.andGates()).isLessThanOrEqualTo(800);
    }

    @Test
    void inputEncodersRejectWhatTheCircuitCannotHold() {
        PlacementCircuit first = PlacementCircuit.build(PlacementMode.FIRST_PRICE, 3, W);
        PlacementCircuit split = PlacementCircuit.build(PlacementMode.SPLIT, 3, W);
        assertThatThrownBy(() -> first.requesterInput(PlacementRequest.single(65536)))
                .hasMessageContaining("units 65536 exceed the maximum 65535 (16-bit units)");
        assertThatThrownBy(() -> first.requesterInput(new PlacementRequest(5, 2)))
                .hasMessageContaining("max-providers applies to split mode only");
        assertThatThrownBy(() -> split.requesterInput(new PlacementRequest(5, 4)))
                .hasMessageContaining("max-providers 4 is outside 1..3");
        assertThatThrownBy(() -> first.providerInput(2, new Bid(70000, 1)))
                .hasMessageContaining("provider 2: capacity 70000 exceeds the maximum 65535");
        assertThatThrownBy(() -> first.providerInput(1, new Bid(1, 1L << 32)))
                .hasMessageContaining("provider 1: price 4294967296 exceeds the maximum 4294967295 (32-bit prices)");
        assertThatThrownBy(() -> first.providerInput(4, new Bid(1, 1)))
                .hasMessageContaining("provider index 4 is outside 1..3");
        assertThatThrownBy(() -> first.inputs(PlacementRequest.single(1), List.of(b(1, 1))))
                .hasMessageContaining("the circuit is for 3 providers, got 1 bids");
        // requester: units least significant bit first, then max-providers - 1
        boolean[] in = split.requesterInput(new PlacementRequest(5, 3));
        assertThat(in).hasSize(18);
        assertThat(in[0]).isTrue();
        assertThat(in[1]).isFalse();
        assertThat(in[2]).isTrue();
        assertThat(in[16]).isFalse();
        assertThat(in[17]).isTrue();
    }

    @Test
    void decodersRejectBitsThatEncodeNoValidView() {
        PlacementCircuit pc = PlacementCircuit.build(PlacementMode.SECOND_PRICE, 3, W);
        PlacementRequest req = PlacementRequest.single(4);
        List<Bid> bids = List.of(b(5, 10), b(4, 20), b(1, 5));
        boolean[] out = pc.circuit().evaluate(pc.inputs(req, bids));
        assertThat(pc.providerView(1, out, bids.get(0))).isEqualTo(new ProviderView(1, true, 4, 20));
        assertThat(pc.providerView(3, out, bids.get(2))).isEqualTo(ProviderView.lost(3));
        // a loser with a non-zero bit
        boolean[] bad = out.clone();
        int loserBit = pc.outputPlan().bitsOf(3)[1];
        bad[loserBit] = true;
        assertThatThrownBy(() -> pc.providerView(3, bad, bids.get(2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("provider 3");
        // two winners
        boolean[] two = out.clone();
        int winOf2 = pc.outputPlan().bitsOf(2)[0];
        two[winOf2] = true;
        assertThatThrownBy(() -> pc.requesterView(two, req)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("requester");
        assertThatThrownBy(() -> pc.requesterView(new boolean[3], req)).hasMessageContaining("got 3 bits");

        PlacementCircuit split = PlacementCircuit.build(PlacementMode.SPLIT, 3, W);
        PlacementRequest sreq = new PlacementRequest(6, 3);
        List<Bid> sbids = List.of(b(5, 10), b(4, 20), b(1, 5));
        boolean[] sout = split.circuit().evaluate(split.inputs(sreq, sbids));
        assertThat(split.requesterView(sout, sreq)).containsExactly(new Allocation(1, 5, 10), new Allocation(3, 1, 5));
        boolean[] sbad = sout.clone();
        int requesterBit = split.outputPlan().bitsOf(0)[split.outputPlan().bitsOf(0).length - 1];
        sbad[requesterBit] = !sbad[requesterBit];
        assertThatThrownBy(() -> split.requesterView(sbad, sreq)).isInstanceOf(IllegalStateException.class);
    }

    // ---- the harness ----

    /**
     * Evaluates up to 64 cases at once and checks, per case and per party, the decoded view against
     * the oracle and the raw bits the party receives (a loser's are all zero). Bits not routed to a
     * party are replaced by noise before that party decodes, so a decoder reading them would fail.
     */
    static void checkBatch(PlacementCircuit pc, List<Case> cases, SplittableRandom rnd) {
        Circuit c = pc.circuit();
        long[][] lanes = new long[pc.parties()][];
        for (int p = 0; p < pc.parties(); p++) {
            lanes[p] = new long[c.inputBits(p)];
        }
        for (int lane = 0; lane < cases.size(); lane++) {
            boolean[][] in = pc.inputs(cases.get(lane).request(), cases.get(lane).bids());
            for (int p = 0; p < in.length; p++) {
                for (int i = 0; i < in[p].length; i++) {
                    lanes[p][i] |= (in[p][i] ? 1L : 0L) << lane;
                }
            }
        }
        long[] out = c.evaluate64(lanes);
        OutputPlan plan = pc.outputPlan();
        for (int lane = 0; lane < cases.size(); lane++) {
            Case cs = cases.get(lane);
            PlacementOutcome want = PlaintextPlacement.place(pc.mode(), cs.request(), cs.bids());
            boolean[] bits = new boolean[out.length];
            for (int i = 0; i < out.length; i++) {
                bits[i] = ((out[i] >>> lane) & 1) != 0;
            }
            String what = pc.mode() + " " + cs;
            assertThat(pc.requesterView(noiseOutside(bits, plan, 0, rnd), cs.request())).as(what)
                    .isEqualTo(want.allocations());
            for (int i = 1; i <= pc.providers(); i++) {
                ProviderView view = pc.providerView(i, noiseOutside(bits, plan, i, rnd), cs.bids().get(i - 1));
                assertThat(view).as("provider %d in %s", i, what).isEqualTo(want.providerView(i));
                if (!view.won()) {
                    for (int bit : plan.bitsOf(i)) {
                        assertThat(bits[bit]).as("losing provider %d receives bit %d in %s", i, bit, what).isFalse();
                    }
                }
            }
        }
    }

    private static boolean[] noiseOutside(boolean[] bits, OutputPlan plan, int party, SplittableRandom rnd) {
        boolean[] r = new boolean[bits.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = plan.learns(party, i) ? bits[i] : rnd.nextBoolean();
        }
        return r;
    }

    /** A random case with edge values common: zero and maximum capacities, capacities around the request, price ties. */
    static Case randomCase(PlacementMode mode, int k, PlacementWidths w, SplittableRandom rnd) {
        return randomCase(mode, k, w, false, rnd);
    }

    /** As above; with {@code minimum}, about half the providers have a minimum, often near the request. */
    static Case randomCase(PlacementMode mode, int k, PlacementWidths w, boolean minimum, SplittableRandom rnd) {
        long maxU = w.maxUnits();
        long maxP = w.maxPrice();
        long units = switch (rnd.nextInt(4)) {
            case 0 -> 1 + rnd.nextLong(Math.min(8, maxU));
            case 1 -> maxU;
            default -> 1 + rnd.nextLong(maxU);
        };
        boolean tiePrices = rnd.nextInt(3) == 0;
        List<Bid> bids = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            long cap = switch (rnd.nextInt(8)) {
                case 0 -> 0;
                case 1 -> maxU;
                case 2 -> units;
                case 3 -> units - 1;
                case 4 -> Math.min(maxU, units + 1);
                case 5 -> rnd.nextLong(Math.min(units, maxU) + 1);
                default -> rnd.nextLong(maxU + 1);
            };
            long price = tiePrices ? rnd.nextLong(Math.min(3, maxP) + 1)
                    : switch (rnd.nextInt(5)) {
                        case 0 -> maxP;
                        case 1 -> 0;
                        default -> rnd.nextLong(maxP + 1);
                    };
            long min = !minimum || rnd.nextBoolean() ? 1 : switch (rnd.nextInt(6)) {
                case 0 -> units;
                case 1 -> Math.min(maxU, units + 1);
                case 2 -> Math.max(1, units - 1);
                case 3 -> maxU;
                case 4 -> Math.max(1, cap);
                default -> 1 + rnd.nextLong(maxU);
            };
            bids.add(new Bid(cap, price, min));
        }
        int m = mode == PlacementMode.SPLIT ? 1 + rnd.nextInt(k) : 1;
        return new Case(new PlacementRequest(units, m), bids);
    }

    private static Case c(PlacementMode mode, long units, int m, Bid... bids) {
        return new Case(new PlacementRequest(units, mode == PlacementMode.SPLIT ? m : 1), List.of(bids));
    }

    private static Bid b(long capacity, long price) {
        return new Bid(capacity, price);
    }

    private static Bid b(long capacity, long price, long min) {
        return new Bid(capacity, price, min);
    }
}
