package io.angler.core.placement;

import static io.angler.core.placement.PlacementMode.FIRST_PRICE;
import static io.angler.core.placement.PlacementMode.SECOND_PRICE;
import static io.angler.core.placement.PlacementMode.SPLIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlaintextPlacementTest {

    /** bids written as "capacity:price capacity:price ...", allocations as "provider:units:price ...". */
    static Stream<Arguments> cases() {
        return Stream.of(
                // first-price
                Arguments.of(FIRST_PRICE, 5, 1, "7:120 3:50 9:95", "3:5:95"),
                Arguments.of(FIRST_PRICE, 5, 1, "4:10 3:50 2:95", ""),                  // no provider fits
                Arguments.of(FIRST_PRICE, 5, 1, "5:80 9:80 6:80", "1:5:80"),            // tie: lowest index
                Arguments.of(FIRST_PRICE, 5, 1, "9:80 5:80", "1:5:80"),
                Arguments.of(FIRST_PRICE, 5, 1, "4:1 5:99", "2:5:99"),                  // capacity exactly the request
                Arguments.of(FIRST_PRICE, 1, 1, "0:1 0:2 1:3", "3:1:3"),                // zero capacity never wins
                Arguments.of(FIRST_PRICE, 65535, 1, "65535:4294967295 65534:0", "1:65535:4294967295"), // maximum values
                Arguments.of(FIRST_PRICE, 1, 1, "1:0", "1:1:0"),                        // a free provider
                // second-price
                Arguments.of(SECOND_PRICE, 5, 1, "7:120 3:50 9:95", "3:5:120"),
                Arguments.of(SECOND_PRICE, 5, 1, "7:120 30:50 9:95", "2:5:95"),
                Arguments.of(SECOND_PRICE, 5, 1, "7:120 3:10 2:5", "1:5:120"),          // no other could serve: own price
                Arguments.of(SECOND_PRICE, 5, 1, "6:70 6:70 6:90", "1:5:70"),           // tie: winner lowest, paid the tie price
                Arguments.of(SECOND_PRICE, 5, 1, "4:1 4:2", ""),
                Arguments.of(SECOND_PRICE, 5, 1, "9:100 2:1 5:300", "1:5:300"),         // cheaper but too small does not count
                // split
                Arguments.of(SPLIT, 10, 2, "7:120 3:50 9:95", "2:3:50 3:7:95"),
                Arguments.of(SPLIT, 10, 3, "4:30 4:10 4:20", "1:2:30 2:4:10 3:4:20"),   // over every provider
                Arguments.of(SPLIT, 10, 2, "4:30 4:10 4:20", ""),                       // the provider limit makes it impossible
                Arguments.of(SPLIT, 3, 2, "7:120 3:50 9:95", "2:3:50"),                 // one provider suffices
                Arguments.of(SPLIT, 5, 2, "0:1 3:5 3:5", "2:3:5 3:2:5"),                // zero capacity is skipped; ties by index
                Arguments.of(SPLIT, 5, 1, "0:1 9:7", "2:5:7"),
                Arguments.of(SPLIT, 6, 3, "2:9 2:9 2:9", "1:2:9 2:2:9 3:2:9"),          // exactly the total capacity
                Arguments.of(SPLIT, 7, 3, "2:9 2:9 2:9", ""),
                Arguments.of(SPLIT, 1, 1, "0:0 0:0", ""),
                // minimum request (CAPACITY:PRICE:MIN): below it, the provider is as if it had capacity 0
                Arguments.of(FIRST_PRICE, 5, 1, "9:10:6 9:20", "2:5:20"),               // the cheapest needs 6
                Arguments.of(FIRST_PRICE, 6, 1, "9:10:6 9:20", "1:6:10"),               // exactly its minimum
                Arguments.of(FIRST_PRICE, 5, 1, "9:10:6 9:20:8", ""),                   // nobody takes 5
                Arguments.of(FIRST_PRICE, 5, 1, "9:10:1 9:20", "1:5:10"),               // 1 is no minimum
                Arguments.of(SECOND_PRICE, 5, 1, "9:10 9:20:6 9:30", "1:5:30"),         // the runner-up must take 5 too
                Arguments.of(SECOND_PRICE, 6, 1, "9:10 9:20:6 9:30", "1:6:20"),
                Arguments.of(SECOND_PRICE, 5, 1, "9:10 9:20:6", "1:5:10"),              // no other could: own price
                Arguments.of(SPLIT, 5, 2, "3:10:6 3:20 3:30", "2:3:20 3:2:30"),         // total 5 < 6: no place for 1
                Arguments.of(SPLIT, 6, 2, "3:10:6 3:20 3:30", "1:3:10 2:3:20"),         // total 6: 1 serves 3 (< 6) of it
                Arguments.of(SPLIT, 6, 1, "3:10:7 9:20", "2:6:20"),
                Arguments.of(SPLIT, 4, 2, "3:10:5 3:20:5", ""));
    }

    @ParameterizedTest(name = "{0} request {1} (max {2}) over {3} -> [{4}]")
    @MethodSource("cases")
    void placesAsTheSpecDefines(PlacementMode mode, long units, int max, String bids, String expected) {
        PlacementOutcome outcome = PlaintextPlacement.place(mode, new PlacementRequest(units, max), parseBids(bids));
        assertThat(outcome.allocations()).containsExactlyElementsOf(parseAllocations(expected));
    }

    @Test
    void agreesWithAnIndependentFormulationOnRandomInputs() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int trial = 0; trial < 20_000; trial++) {
            int k = 1 + rnd.nextInt(16);
            // small ranges make ties, zero capacities and exact fits common
            boolean small = rnd.nextBoolean();
            List<Bid> bids = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                long min = rnd.nextInt(3) == 0 ? 1 + rnd.nextLong(small ? 12 : 65535) : 1;
                bids.add(new Bid(rnd.nextLong(small ? 8 : 65536), rnd.nextLong(small ? 5 : 1L << 32), min));
            }
            long units = 1 + rnd.nextLong(small ? 12 : 65535);
            int max = 1 + rnd.nextInt(k);
            PlacementMode mode = PlacementMode.values()[rnd.nextInt(3)];
            PlacementRequest request = new PlacementRequest(units, mode == SPLIT ? max : 1);
            assertThat(PlaintextPlacement.place(mode, request, bids).allocations())
                    .as("%s %s %s", mode, request, bids)
                    .containsExactlyElementsOf(reference(mode, request, bids));
        }
    }

    /**
     * A second, deliberately different formulation: drop the providers whose minimum the request
     * does not reach (their capacity becomes 0), rank every provider once, then read the answer off.
     */
    private static List<Allocation> reference(PlacementMode mode, PlacementRequest request, List<Bid> given) {
        List<Bid> bids = given.stream()
                .map(b -> request.units() < b.minUnits() ? new Bid(0, b.price()) : b).toList();
        Integer[] rank = new Integer[bids.size()];
        for (int i = 0; i < rank.length; i++) {
            rank[i] = i;
        }
        Arrays.sort(rank, (a, b) -> bids.get(a).price() != bids.get(b).price()
                ? Long.compare(bids.get(a).price(), bids.get(b).price()) : Integer.compare(a, b));
        if (mode != SPLIT) {
            List<Integer> fit = Arrays.stream(rank).filter(i -> bids.get(i).capacity() >= request.units()).toList();
            if (fit.isEmpty()) {
                return List.of();
            }
            int w = fit.get(0);
            long price = mode == SECOND_PRICE && fit.size() > 1 ? bids.get(fit.get(1)).price() : bids.get(w).price();
            return List.of(new Allocation(w + 1, request.units(), price));
        }
        List<Integer> used = Arrays.stream(rank).filter(i -> bids.get(i).capacity() > 0)
                .limit(request.maxProviders()).toList();
        long total = used.stream().mapToLong(i -> bids.get(i).capacity()).sum();
        if (total < request.units()) {
            return List.of();
        }
        List<Allocation> out = new ArrayList<>();
        long before = 0;
        for (int i : used) {
            long units = Math.max(0, Math.min(bids.get(i).capacity(), request.units() - before));
            before += bids.get(i).capacity();
            if (units > 0) {
                out.add(new Allocation(i + 1, units, bids.get(i).price()));
            }
        }
        out.sort((a, b) -> Integer.compare(a.provider(), b.provider()));
        return out;
    }

    @Test
    void viewsRevealOnlyWhatEachPartyMayLearn() {
        PlacementOutcome outcome = PlaintextPlacement.place(SPLIT, new PlacementRequest(10, 2), parseBids("7:120 3:50 9:95"));
        assertThat(outcome.providerView(1)).isEqualTo(ProviderView.lost(1));
        assertThat(outcome.providerView(2)).isEqualTo(new ProviderView(2, true, 3, 50));
        assertThat(outcome.providerView(3)).isEqualTo(new ProviderView(3, true, 7, 95));
        assertThat(outcome.providerViews()).hasSize(3);
        assertThatThrownBy(() -> outcome.providerView(4)).hasMessageContaining("outside 1..3");
    }

    @Test
    void widthsRejectOutOfRangeInputsNamingThem() {
        PlacementWidths w = PlacementWidths.DEFAULT;
        List<Bid> ok = parseBids("7:120 3:50");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, PlacementRequest.single(65536), ok)).hasMessageContaining("units 65536");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, PlacementRequest.single(1), parseBids("65536:1")))
                .hasMessageContaining("provider 1: capacity 65536");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, PlacementRequest.single(1), parseBids("1:1 1:4294967296")))
                .hasMessageContaining("provider 2: price 4294967296");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, PlacementRequest.single(1), parseBids("1:1 1:1:65536")))
                .hasMessageContaining("provider 2: minimum request 65536 exceeds the maximum 65535");
        assertThatThrownBy(() -> w.check(SPLIT, new PlacementRequest(1, 3), ok)).hasMessageContaining("max-providers 3");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, new PlacementRequest(1, 2), ok)).hasMessageContaining("split mode only");
        assertThatThrownBy(() -> w.check(FIRST_PRICE, PlacementRequest.single(1), List.of())).hasMessageContaining("at least one provider");
        assertThatThrownBy(() -> new PlacementRequest(0, 1)).hasMessageContaining("units 0");
    }

    @Test
    void parsesBidsAndModesWithClearErrors() {
        assertThat(Bid.parse("7:120")).isEqualTo(new Bid(7, 120));
        assertThatThrownBy(() -> Bid.parse("7")).hasMessageContaining("CAPACITY:PRICE");
        assertThatThrownBy(() -> Bid.parse("7:")).hasMessageContaining("CAPACITY:PRICE");
        assertThat(Bid.parse("7:1:2")).isEqualTo(new Bid(7, 1, 2));
        assertThat(Bid.parse("7:1:1").hasMinimum()).isFalse();
        assertThat(new Bid(7, 1).minUnits()).isEqualTo(Bid.NO_MINIMUM);
        assertThatThrownBy(() -> Bid.parse("7:1:2:3")).hasMessageContaining("CAPACITY:PRICE:MIN");
        assertThatThrownBy(() -> Bid.parse("7:1:")).hasMessageContaining("CAPACITY:PRICE:MIN");
        assertThatThrownBy(() -> Bid.parse("7:1:0")).hasMessageContaining("minimum 0 must be at least 1");
        assertThatThrownBy(() -> Bid.parse("7:1:x")).hasMessageContaining("minimum 'x'");
        assertThatThrownBy(() -> new Bid(7, 1, 0)).hasMessageContaining("minimum request 0");
        assertThatThrownBy(() -> Bid.parse("x:1")).hasMessageContaining("capacity 'x'");
        assertThatThrownBy(() -> Bid.parse("-1:1")).hasMessageContaining("negative");
        assertThat(PlacementMode.parse("second-price")).isEqualTo(SECOND_PRICE);
        assertThatThrownBy(() -> PlacementMode.parse("cheapest")).hasMessageContaining("first-price, second-price, split");
    }

    static List<Bid> parseBids(String s) {
        return Arrays.stream(s.trim().split("\\s+")).map(Bid::parse).toList();
    }

    static List<Allocation> parseAllocations(String s) {
        if (s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.trim().split("\\s+")).map(a -> {
            String[] p = a.split(":");
            return new Allocation(Integer.parseInt(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
        }).toList();
    }
}
