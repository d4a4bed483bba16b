package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every check of the protocol, one party deviates in the way the check exists to catch, and
 * every honest party aborts naming that check, without returning an output.
 */
class DeviationTest {
    private static final int N = 4;
    /** Parties 0 and 1 have inputs; input wire 0 (party 0's) feeds an AND gate. */
    private static final Circuit CIRCUIT = StandardCircuits.adder(4);

    static Stream<Arguments> deviations() {
        return Stream.of(
                Arguments.of(Deviation.Kind.COIN_OPENING, 2, -1, "coin-toss-opening"),
                Arguments.of(Deviation.Kind.ABIT_MAC, 1, 2, "abit-mac"),
                Arguments.of(Deviation.Kind.GLOBAL_KEY, 3, -1, "global-key"),
                Arguments.of(Deviation.Kind.HALF_AND_BIT, 1, 2, "leaky-and"),
                Arguments.of(Deviation.Kind.CHECK_BLOCK, 2, 0, "leaky-and"),
                Arguments.of(Deviation.Kind.TRIPLE_BIT, 3, -1, "leaky-and"),
                Arguments.of(Deviation.Kind.CHECK_OPENING, 1, -1, "leaky-and-opening"),
                Arguments.of(Deviation.Kind.TRIPLE_OPENING, 2, -1, "triple-open"),
                Arguments.of(Deviation.Kind.BROADCAST, 1, 2, "broadcast"),
                Arguments.of(Deviation.Kind.GARBLED_ROW, 2, -1, "garbled-row"),
                Arguments.of(Deviation.Kind.INPUT_MASK, 3, 0, "input-mask"),
                Arguments.of(Deviation.Kind.INPUT_BROADCAST, 1, 3, "broadcast"),
                Arguments.of(Deviation.Kind.INPUT_LABEL, 2, -1, "garbled-row"),
                Arguments.of(Deviation.Kind.OUTPUT_MASK, 2, 1, "output-mask"),
                Arguments.of(Deviation.Kind.OUTPUT_VALUE, 0, 3, "output-label"));
    }

    @ParameterizedTest(name = "{0} by party {1} towards {2}: {3}")
    @MethodSource("deviations")
    void everyHonestPartyAborts(Deviation.Kind kind, int deviator, int target, String check) {
        assertAllHonestAbort(Parties.realOt(), deviator, new Deviation(kind, target), check);
    }

    /**
     * Party 2 cheats in the OT phases towards party 1 only (bad base-OT points or an inconsistent
     * extension matrix, whichever it sends party 1 first): party 1 catches it with direct evidence,
     * and its abort notice, sent in the OT phase too, reaches every other party, naming the cheat, so
     * nobody blames the honest party 1 for leaving.
     */
    @Test
    void aCheatInTheOtPhasesIsReportedToEveryoneByTheHonestPartyThatCaughtIt() {
        for (int victim : new int[] {1, 3}) { // party 2 is the base-OT receiver towards 1, the sender towards 3
            java.util.List<io.angler.mpc.net.Network> nets = new java.util.ArrayList<>(
                    io.angler.mpc.net.InMemoryNetwork.create(N, java.time.Duration.ofSeconds(60)));
            nets.set(2, new CorruptingNetwork(nets.get(2), victim));
            boolean[][] in = RandomCircuits.randomInputs(CIRCUIT, new Random(9));
            Parties.Outcome o = Parties.run(nets, CIRCUIT, OutputPlan.everyone(CIRCUIT, N), in, Parties.realOt(), -1,
                    Deviation.NONE);
            MpcAbortException caught = (MpcAbortException) o.failures()[victim];
            assertThat(caught.evidence()).as("%s", caught).isEqualTo(MpcAbortException.Evidence.CHECK);
            assertThat(caught.peer()).isEqualTo(2);
            assertThat(caught.check()).isIn("base-ot-point", "cot-consistency");
            MpcAbortException.Report report = new MpcAbortException.Report(victim, MpcAbortException.Evidence.CHECK,
                    caught.check(), 2);
            for (int p = 0; p < N; p++) {
                if (p == victim || p == 2) {
                    continue;
                }
                MpcAbortException e = (MpcAbortException) o.failures()[p];
                assertThat(o.results()[p]).isNull();
                assertThat(e.peer()).as("party %d has no evidence of its own: %s", p, e).isEqualTo(-1);
                assertThat(e.evidence()).isEqualTo(MpcAbortException.Evidence.REPORT);
                assertThat(e.check()).isEqualTo(caught.check());
                assertThat(e.reports()).as("party %d collected the victim's report", p).contains(report);
            }
        }
    }

    @Test
    void twoGlobalKeysInTheOtAreCaught() {
        DealerCot dealer = new DealerCot(N).skewDelta(2, 0);
        assertAllHonestAbort(dealer::party, 2, new Deviation(Deviation.Kind.SECOND_GLOBAL_KEY, 0), "global-key");
    }

    @Test
    void abortOverTlsClosesEverything() {
        int before = Thread.activeCount();
        java.util.List<io.angler.mpc.net.Network> nets = io.angler.mpc.net.TlsNetwork.local(N,
                new io.angler.mpc.net.TlsNetwork.Timeouts(java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(30)));
        boolean[][] in = RandomCircuits.randomInputs(CIRCUIT, new Random(6));
        Parties.Outcome o = Parties.run(nets, CIRCUIT, OutputPlan.everyone(CIRCUIT, N), in, Parties.realOt(), 2,
                new Deviation(Deviation.Kind.GARBLED_ROW, -1));
        for (int p = 0; p < N; p++) {
            if (p != 2) {
                assertThat(o.results()[p]).isNull();
                assertThat(((MpcAbortException) o.failures()[p]).check()).isEqualTo("garbled-row");
            }
        }
        assertThat(ThreadLeaks.settle(before)).isLessThanOrEqualTo(before);
    }

    static void assertAllHonestAbort(IntFunction<CorrelatedOt> cot, int deviator, Deviation deviation, String check) {
        boolean[][] in = RandomCircuits.randomInputs(CIRCUIT, new Random(5));
        Parties.Outcome o = Parties.run(CIRCUIT, OutputPlan.everyone(CIRCUIT, N), in, N, cot, deviator, deviation);
        for (int p = 0; p < N; p++) {
            if (p == deviator) {
                continue;
            }
            assertThat(o.results()[p]).as("party %d returned an output", p).isNull();
            assertThat(o.failures()[p]).as("party %d", p).isInstanceOf(MpcAbortException.class);
            assertThat(((MpcAbortException) o.failures()[p]).check()).as("party %d: %s", p, o.failures()[p])
                    .isEqualTo(check);
        }
    }
}
