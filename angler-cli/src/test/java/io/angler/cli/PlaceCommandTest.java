package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code angler place}: the result object of SPEC 4 against the plaintext placement and the SPEC
 * 1.6 rules ({@link SpecChecks}), what each party's view may hold (SPEC 1.7), and every bad flag
 * named with exit code 2.
 */
class PlaceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void theResultObjectIsThePlaintextPlacementAndEachViewOnlyItsOwn(PlacementMode mode) throws Exception {
        List<String> providers = List.of("7:120", "3:50", "9:95", "0:10", "12:95");
        List<String> args = new ArrayList<>(List.of("place", "--mode", mode.label(), "--request", "5", "--json"));
        if (mode == PlacementMode.SPLIT) {
            args.addAll(List.of("--max-providers", "2"));
        }
        providers.forEach(p -> args.addAll(List.of("--provider", p)));
        MpcCommandTest.Run r = MpcCommandTest.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("connecting 6 parties").contains("under MPC");
        JsonNode root = JSON.readTree(r.out());
        SpecChecks.assertAllocationsFollowSpec(root);
        assertThat(root.get("private").asBoolean()).isTrue();
        assertThat(root.get("mode").asText()).isEqualTo(mode.label());
        assertThat(root.get("request").has("max_providers")).isEqualTo(mode == PlacementMode.SPLIT);
        assertThat(root.get("providers")).hasSize(5);
        assertThat(root.get("providers").get(0).has("minimum")).as("no minimums given").isFalse();

        PlacementRequest request = new PlacementRequest(5, mode == PlacementMode.SPLIT ? 2 : 1);
        List<Bid> bids = providers.stream().map(Bid::parse).toList();
        PlacementOutcome want = PlaintextPlacement.place(mode, request, bids);
        assertThat(allocations(root.get("allocations"))).isEqualTo(want.allocations());
        assertThat(allocations(root.get("views").get("requester").get("allocations"))).isEqualTo(want.allocations());
        JsonNode views = root.get("views").get("providers");
        assertThat(views).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode v = views.get(i);
            ProviderView expected = want.providerView(i + 1);
            assertThat(v.get("index").asInt()).isEqualTo(i + 1);
            assertThat(v.get("won").asBoolean()).isEqualTo(expected.won());
            if (expected.won()) {
                assertThat(v.get("units").asLong()).isEqualTo(expected.units());
                assertThat(v.get("price").asLong()).isEqualTo(expected.price());
            } else {
                assertThat(v.size()).as("a loser's view is its index and won: false").isEqualTo(2);
            }
        }
        JsonNode t = root.get("timings_ms");
        for (String k : new String[] {"connect", "base_ot", "ot_extension", "authenticated_bits", "triples", "garbling",
            "online", "output", "mpc", "total"}) {
            assertThat(t.has(k)).as(k).isTrue();
        }
        assertThat(t.get("total").asDouble()).isGreaterThanOrEqualTo(t.get("mpc").asDouble()).isPositive();
    }

    @Test
    void aMinimumAboveTheRequestMakesTheCheapestProviderLoseAndTheTableShowsEveryView() {
        MpcCommandTest.Run r = MpcCommandTest.run("place", "--mode", "second-price", "--request", "5",
                "--provider", "9:40:6", "--provider", "9:60", "--provider", "9:80", "--provider", "2:10");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("with minimums");
        assertThat(r.out()).contains("PRIVATE").contains("minimum").contains("what it learned")
                .contains("WON: provision 5 units at 80")
                .contains("5 units on provider 2 at 80 micro-units per unit-hour")
                .contains("Checked: the plaintext placement");
        assertThat(r.out().lines().filter(l -> l.contains("not selected")).count()).isEqualTo(3);

        MpcCommandTest.Run none = MpcCommandTest.run("place", "--mode", "first-price", "--request", "10", "--json",
                "--provider", "9:40:1", "--provider", "9:60");
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).contains("\"allocations\" : [ ]").contains("\"minimum\" : 1");
    }

    @Test
    void badFlagsAreNamedWithExitCode2() {
        assertBad("--request: units 0 must be at least 1", "--mode", "first-price", "--request", "0", "--provider", "1:1");
        assertBad("units 65536 exceed the maximum 65535", "--mode", "first-price", "--request", "65536", "--provider", "1:1");
        assertBad("provider 2: capacity 65536 exceeds the maximum 65535", "--mode", "split", "--request", "1",
                "--provider", "1:1", "--provider", "65536:1");
        assertBad("provider 1: price 4294967296 exceeds the maximum 4294967295", "--mode", "first-price", "--request", "1",
                "--provider", "1:4294967296");
        assertBad("provider 1: minimum request 65536 exceeds the maximum", "--mode", "first-price", "--request", "1",
                "--provider", "1:1:65536");
        assertBad("minimum 0 must be at least 1", "--mode", "first-price", "--request", "1", "--provider", "1:1:0");
        assertBad("'7' is not of the form CAPACITY:PRICE", "--mode", "first-price", "--request", "1", "--provider", "7");
        assertBad("price 'x' is not a whole number", "--mode", "first-price", "--request", "1", "--provider", "7:x");
        assertBad("capacity -1 is negative", "--mode", "first-price", "--request", "1", "--provider", "-1:3");
        assertBad("--max-providers 3 is outside 1..2", "--mode", "split", "--request", "1", "--max-providers", "3",
                "--provider", "1:1", "--provider", "1:1");
        assertBad("--max-providers 0 is outside 1..1", "--mode", "split", "--request", "1", "--max-providers", "0",
                "--provider", "1:1");
        assertBad("--max-providers applies to split mode only", "--mode", "first-price", "--request", "1",
                "--max-providers", "1", "--provider", "1:1");
        assertBad("--provider", "--mode", "first-price", "--request", "1");
        assertBad("cheapest", "--mode", "cheapest", "--request", "1", "--provider", "1:1");
        List<String> many = new ArrayList<>(List.of("--mode", "first-price", "--request", "1"));
        for (int i = 0; i < 64; i++) {
            many.addAll(List.of("--provider", "1:1"));
        }
        assertBad("at most 63 providers, got 64", many.toArray(String[]::new));
    }

    private static void assertBad(String message, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "place";
        System.arraycopy(args, 0, all, 1, args.length);
        MpcCommandTest.Run r = MpcCommandTest.run(all);
        assertThat(r.exit()).as("%s: %s", String.join(" ", args), r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }

    private static List<Allocation> allocations(JsonNode array) {
        List<Allocation> out = new ArrayList<>();
        for (JsonNode a : array) {
            out.add(new Allocation(a.get("provider").asInt(), a.get("units").asLong(), a.get("price").asLong()));
        }
        return out;
    }
}
