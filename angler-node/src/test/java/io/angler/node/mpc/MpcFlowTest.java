package io.angler.node.mpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.node.lease.Ledger;
import io.angler.node.provider.ProviderNode;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.RequestResult;
import io.angler.node.requester.Requester;
import io.angler.node.testing.LoopbackPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole flow with the real placement under MPC: the WRK engine over each session's TLS mesh,
 * every party in its own node (provider nodes and a requester on loopback). Results are checked
 * against the plaintext oracle, and each party's view against what SPEC 1.7 gives it.
 */
class MpcFlowTest {
    @TempDir
    Path dir;
    LoopbackPool pool;
    /** Per provider name, session id to the view it learned (null: the session aborted there). */
    final Map<String, Map<String, ProviderView>> views = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    ProviderNode observed(String name, ProviderNode node) {
        Map<String, ProviderView> mine = views.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        node.sessions().observe((sessionId, index, view) -> mine.put(sessionId, view == null ? ProviderView.lost(-1) : view));
        return node;
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void theWholeFlowUnderMpcMatchesThePlaintextOracleAndEachPartyLearnsOnlyItsView(PlacementMode mode) throws Exception {
        pool = LoopbackPool.underMpc(dir);
        long[] quantity = {6, 9, 0};
        String[] price = {"70", "45", "10"};
        List<String> names = List.of("a", "b", "c");
        for (int i = 0; i < 3; i++) {
            observed(names.get(i), pool.start(names.get(i), quantity[i], price[i]));
        }
        Map<String, Bid> before = new HashMap<>();
        for (String n : names) {
            before.put(pool.provider(n).fingerprint(), pool.bidOf(n));
        }
        Requester requester = pool.requester("req");
        long units = mode == PlacementMode.SPLIT ? 12 : 5;
        int m = mode == PlacementMode.SPLIT ? 2 : 1;
        RequestResult r = requester.request(pool.spec(mode, units, m, dir.resolve("out")), pool.candidates(), line -> { });

        List<Bid> bids = new ArrayList<>();
        for (RequestResult.SessionProvider p : r.providers()) {
            bids.add(before.get(p.fingerprint()));
        }
        PlacementOutcome expected = PlaintextPlacement.place(mode, r.request(), bids);
        assertThat(expected.served()).as("the inputs are chosen so that the request is served").isTrue();
        assertThat(r.attempts()).isOne();
        assertThat(r.allocations()).isEqualTo(expected.allocations());
        assertThat(r.leases()).extracting(HeldLease::units)
                .isEqualTo(expected.allocations().stream().map(a -> a.units()).toList());
        for (RequestResult.SessionProvider p : r.providers()) {
            String name = pool.nameOf(p.fingerprint());
            ProviderView seen = views.get(name).get(r.sessionId());
            assertThat(seen).as("what provider %s (index %d) learned", name, p.index())
                    .isEqualTo(expected.providerView(p.index()));
        }
    }

    @Test
    void aRequestBelowAProvidersMinimumSeesItAsIfItHadNoCapacity() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        observed("cheap", pool.start(pool.config("cheap", 9, "10", "minimumRequest: 8"), "cheap"));
        observed("dear", pool.start("dear", 9, "30"));
        Requester requester = pool.requester("req");

        RequestResult small = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 5, 1, dir.resolve("out1")),
                pool.candidates(), line -> { });
        assertThat(small.allocations()).singleElement().satisfies(a -> {
            assertThat(a.units()).isEqualTo(5);
            assertThat(a.price()).isEqualTo(30);
        });
        assertThat(small.leases()).singleElement()
                .satisfies(l -> assertThat(l.providerFingerprint()).isEqualTo(pool.provider("dear").fingerprint()));
        awaitQuiet(pool.provider("cheap"));
        assertThat(views.get("cheap").get(small.sessionId())).isEqualTo(ProviderView.lost(indexOf(small, "cheap")));

        RequestResult large = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 8, 1, dir.resolve("out2")),
                pool.candidates(), line -> { });
        int cheap = indexOf(large, "cheap");
        assertThat(large.allocations()).singleElement().satisfies(a -> {
            assertThat(a.provider()).isEqualTo(cheap);
            assertThat(a.units()).isEqualTo(8);
            assertThat(a.price()).isEqualTo(10);
        });
        awaitQuiet(pool.provider("cheap"));
        assertThat(views.get("cheap").get(large.sessionId())).isEqualTo(new ProviderView(cheap, true, 8, 10));
    }

    private int indexOf(RequestResult r, String name) {
        String fingerprint = pool.provider(name).fingerprint();
        return r.providers().stream().filter(p -> p.fingerprint().equals(fingerprint)).findFirst().orElseThrow().index();
    }

    @Test
    void aProviderKilledInTheMiddleOfTheMpcIsExcludedAndItsReservationIsGoneAfterRestart() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        AtomicBoolean killed = new AtomicBoolean();
        // The cheapest provider dies right after its first round of the protocol (during the OT set-up).
        ProviderNode victim = pool.start("victim", 10, "20", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                net -> new TappedNetwork(net, -1, () -> {
                    if (killed.compareAndSet(false, true)) {
                        new Thread(() -> pool.kill("victim")).start();
                    }
                })));
        String victimFingerprint = victim.fingerprint();
        pool.start("mid", 10, "30");
        pool.start("dear", 10, "40");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 4, 1, dir.resolve("out")),
                pool.candidates(), line -> { });

        assertThat(killed).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.failures()).singleElement().asString().contains("attributed to provider");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).doesNotContain(victimFingerprint);
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.providerFingerprint()).isEqualTo(pool.provider("mid").fingerprint());
            assertThat(l.price()).isEqualTo(30);
        });
        awaitQuiet(pool.provider("dear"));
        assertThat(pool.provider("dear").ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 0, 0, 10));
        ProviderNode back = pool.restart("victim");
        assertThat(back.fingerprint()).isEqualTo(victimFingerprint);
        assertThat(back.ledger().balance("small")).as("the killed session's reservation did not survive the restart")
                .isEqualTo(new Ledger.Balance(10, 0, 0, 10));
    }

    @Test
    void aProviderThatSendsWrongValuesAbortsTheSessionForAllAndIsExcluded() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        // From its third round on, the cheat flips a bit of what it sends.
        ProviderNode cheat = observed("cheat", pool.start("cheat", 10, "10", listener -> new MpcPlacementRunner(listener,
                WrkOptions.DEFAULT, net -> new TappedNetwork(net, 2, () -> { }))));
        List<String> honest = List.of("h1", "h2", "h3");
        for (int i = 0; i < 3; i++) {
            observed(honest.get(i), pool.start(honest.get(i), 10, Integer.toString(30 + 5 * i)));
        }
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.SECOND_PRICE, 3, 1, dir.resolve("out"))
                .withAttempts(4), pool.candidates(), line -> { });

        assertThat(r.attempts()).as("%s", r.failures()).isBetween(2, 4);
        assertThat(r.failures()).as("the engine names the check that caught the cheat, not a disconnect")
                .allMatch(f -> (f.contains("blamed provider") || f.contains("seen here")) && !f.contains("disconnect"));
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).doesNotContain(cheat.fingerprint());
        assertThat(r.leases()).singleElement().satisfies(l -> assertThat(l.units()).isEqualTo(3));
        // Every session the cheat was in aborted at every party: nobody accepted a result from it.
        for (String session : views.get("cheat").keySet()) {
            for (String n : List.of("cheat", "h1", "h2", "h3")) {
                awaitQuiet(pool.provider(n));
                if (views.get(n).containsKey(session)) {
                    assertThat(views.get(n).get(session)).as("%s in session %s", n, session).isEqualTo(ProviderView.lost(-1));
                }
            }
        }
        assertThat(cheat.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 0, 0, 10));
    }

    /**
     * The cheapest provider corrupts its OT-extension matrix towards one honest provider only, every
     * session: the honest one catches it (cot-consistency) and its abort notice reaches everyone,
     * naming the cheat. The requester cannot check that claim: it suspects the pair, excludes nobody
     * the first time, and excludes both once the same pair fails again; the last session runs without
     * the cheat.
     */
    @Test
    void aCheatInTheOtExtensionTowardsAnotherProviderIsExcludedWithinTheAttempts() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        ProviderNode victim = observed("victim", pool.start("victim", 10, "30"));
        ProviderNode cheat = pool.start("cheat", 10, "10", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                net -> new TappedNetwork(net, 0, () -> { }).towards(victim.fingerprint())));
        pool.start("h2", 10, "35");
        pool.start("h3", 10, "40");
        Requester requester = pool.requester("req");
        List<String> progress = new ArrayList<>();
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), progress::add);

        assertThat(r.attempts()).as("%s", r.failures()).isEqualTo(3);
        assertThat(r.failures()).allMatch(f -> f.contains("blamed provider") && f.contains("cot-consistency"), "names the check");
        assertThat(progress).as("the first claim excludes nobody")
                .contains("retrying with 4 provider(s)");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint)
                .doesNotContain(cheat.fingerprint(), victim.fingerprint());
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.providerFingerprint()).isEqualTo(pool.provider("h2").fingerprint());
            assertThat(l.price()).isEqualTo(35);
        });
    }

    /**
     * A garbler corrupts its garbled tables: the requester, the evaluator, sees a row of the first AND
     * gate fail under the labels that garbler itself sent: direct evidence, excluded at once.
     */
    @Test
    void aGarblerThatCorruptsItsTablesIsExcludedAtOnce() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        // the circuit nodes run: with the providers' minimum requests as inputs
        int ands = io.angler.mpc.placement.Placement.circuit(new io.angler.mpc.placement.PlacementSpec(
                PlacementMode.FIRST_PRICE, 3, io.angler.core.placement.PlacementWidths.DEFAULT, true)).circuit().andGates();
        ProviderNode cheat = pool.start("cheat", 10, "10", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                net -> new TappedNetwork(net, -1, () -> { }).garbledTables(ands * 4 * 4 * 2)));
        pool.start("h1", 10, "30");
        pool.start("h2", 10, "35");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), line -> { });

        assertThat(r.attempts()).as("%s", r.failures()).isEqualTo(2);
        assertThat(r.failures()).singleElement().asString().contains("garbled-row").contains("seen here");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).doesNotContain(cheat.fingerprint());
        assertThat(r.leases()).singleElement().satisfies(l -> assertThat(l.price()).isEqualTo(30));
    }

    /**
     * A provider never makes its connection with one honest provider (it expects another certificate
     * there), so that one's mesh set-up fails after it connected to the requester. The honest one
     * tells everyone it could not connect with the cheat before it closes, so the requester suspects
     * the pair instead of taking it for a provider that left without a notice; the pair is excluded
     * after its second failure and the last session is served without either.
     */
    @Test
    void aProviderThatNeverConnectsToAnotherDoesNotGetItExcludedAsIfItHadLeft() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        ProviderNode victim = pool.start("victim", 10, "30");
        String stranger = io.angler.mpc.net.TlsIdentity.ephemeral("stranger").fingerprint();
        ProviderNode cheat = pool.start("cheat", 10, "10", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                UnaryOperator.identity(), parties -> parties.stream().map(p -> p.fingerprint().equals(victim.fingerprint())
                        ? new io.angler.mpc.net.PartyEndpoint(p.address(), stranger) : p).toList()));
        pool.start("h2", 10, "35");
        pool.start("h3", 10, "40");
        Requester requester = pool.requester("req");
        List<String> progress = new ArrayList<>();
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), progress::add);

        assertThat(r.attempts()).as("%s", r.failures()).isEqualTo(3);
        assertThat(r.failures()).as("nobody is taken for having left without a notice")
                .allMatch(f -> f.contains("blamed provider") && f.contains("connect") && !f.contains("seen here")
                        && !f.contains("without an abort notice"));
        assertThat(progress).as("the first failure excludes nobody").contains("retrying with 4 provider(s)");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint)
                .doesNotContain(cheat.fingerprint(), victim.fingerprint());
        assertThat(r.leases()).singleElement().satisfies(l -> assertThat(l.price()).isEqualTo(35));
    }

    /**
     * A garbler corrupts, in its rows of the AND gates that end in an output, the MAC block meant for
     * another garbler (the victim): the evaluator cannot check those, so the victim's output-label
     * check fails, and nothing says whether the requester or another garbler caused it. The victim
     * must not be excluded as if it had lied about the requester; the cheat does it in one session
     * only, so the retry with the same providers is served, by the victim (the cheapest).
     */
    @Test
    void aGarblerThatCorruptsAnotherGarblersRowsDoesNotGetThatGarblerExcluded() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        io.angler.mpc.circuit.Circuit circuit = io.angler.mpc.placement.Placement.circuit(
                new io.angler.mpc.placement.PlacementSpec(PlacementMode.FIRST_PRICE, 3,
                        io.angler.core.placement.PlacementWidths.DEFAULT, true)).circuit();
        int[] terminal = terminalAndGates(circuit);
        assertThat(terminal).as("the placement circuit has AND gates that end in an output").isNotEmpty();
        ProviderNode victim = observed("victim", pool.start("victim", 10, "10"));
        AtomicBoolean cheated = new AtomicBoolean();
        pool.start("cheat", 10, "20", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                net -> new TappedNetwork(net, -1, () -> { }).rowsFor(victim.fingerprint(), terminal,
                        circuit.andGates() * 4 * 4 * 2, cheated)));
        pool.start("h", 10, "30");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), line -> { });

        assertThat(cheated).isTrue();
        assertThat(r.attempts()).as("%s", r.failures()).isEqualTo(2);
        assertThat(r.failures()).singleElement().asString().contains("output-label").doesNotContain("falsely");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).contains(victim.fingerprint());
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.providerFingerprint()).isEqualTo(victim.fingerprint());
            assertThat(l.price()).isEqualTo(10);
        });
    }

    /** The AND gates (numbered among the AND gates) whose output wire is a circuit output and feeds no gate. */
    private static int[] terminalAndGates(io.angler.mpc.circuit.Circuit c) {
        java.util.Set<Integer> used = new java.util.HashSet<>();
        for (int i = 0; i < c.gates(); i++) {
            used.add(c.in0(i));
            if (c.type(i) != io.angler.mpc.circuit.Circuit.INV) {
                used.add(c.in1(i));
            }
        }
        java.util.Set<Integer> outputs = new java.util.HashSet<>();
        for (int w : c.outputs()) {
            outputs.add(w);
        }
        List<Integer> found = new ArrayList<>();
        for (int i = 0, g = 0; i < c.gates(); i++) {
            if (c.type(i) == io.angler.mpc.circuit.Circuit.AND) {
                if (outputs.contains(c.out(i)) && !used.contains(c.out(i))) {
                    found.add(g);
                }
                g++;
            }
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A provider that lies, sending abort notices that blame a different honest provider in every
     * session: a single claim excludes nobody, the liar is in both suspected pairs and is excluded,
     * and the honest providers it named stay (and the one it named first wins the last session).
     */
    @Test
    void aLiarIsExcludedAndTheHonestProvidersItNamedAreNot() throws Exception {
        pool = LoopbackPool.underMpc(dir);
        java.util.Set<String> blamed = ConcurrentHashMap.newKeySet();
        ProviderNode liar = pool.start("liar", 10, "10", listener -> new MpcPlacementRunner(listener, WrkOptions.DEFAULT,
                net -> new TappedNetwork(net, -1, () -> { }).lying(blamed)));
        pool.start("h1", 10, "30");
        pool.start("h2", 10, "35");
        pool.start("h3", 10, "40");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), line -> { });

        assertThat(r.attempts()).as("%s", r.failures()).isEqualTo(3);
        assertThat(blamed).as("two honest providers were named, one per session").hasSize(2);
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint)
                .doesNotContain(liar.fingerprint()).containsAll(blamed);
        assertThat(r.leases()).singleElement().satisfies(l -> assertThat(l.price()).isEqualTo(30));
    }

    static void awaitQuiet(ProviderNode p) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (p.ledger().balance("small").reserved() != 0 || p.sessions().running() != 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("reservations still held: " + p.ledger().reservations());
            }
            Thread.sleep(5);
        }
    }
}
