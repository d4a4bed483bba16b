package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a result object against SPEC 1.6 rule by rule, from the secrets it prints. Written apart
 * from the placement code so that the two can disagree.
 */
final class SpecChecks {
    private SpecChecks() {
    }

    static void assertAllocationsFollowSpec(JsonNode root) {
        String mode = root.get("mode").asText();
        long units = root.get("request").get("units").asLong();
        List<long[]> p = new ArrayList<>(); // {index, capacity, price}
        for (JsonNode n : root.get("providers")) {
            // a request below a provider's minimum sees it as if it had capacity 0
            long capacity = n.has("minimum") && units < n.get("minimum").asLong() ? 0 : n.get("capacity").asLong();
            p.add(new long[] {n.get("index").asLong(), capacity, n.get("price").asLong()});
        }
        JsonNode alloc = root.get("allocations");
        String ctx = root.toString();
        if (!mode.equals("split")) {
            List<long[]> fit = p.stream().filter(x -> x[1] >= units).toList();
            if (fit.isEmpty()) {
                assertThat(alloc).as(ctx).isEmpty();
                return;
            }
            assertThat(alloc).as(ctx).hasSize(1);
            long w = alloc.get(0).get("provider").asLong();
            long[] winner = p.get((int) w - 1);
            assertThat(winner[1]).as(ctx).isGreaterThanOrEqualTo(units);
            assertThat(alloc.get(0).get("units").asLong()).isEqualTo(units);
            for (long[] other : fit) {
                assertThat(other[2] > winner[2] || (other[2] == winner[2] && other[0] >= winner[0])).as(ctx).isTrue();
            }
            long expectedPrice = winner[2];
            if (mode.equals("second-price")) {
                expectedPrice = fit.stream().filter(x -> x[0] != w).mapToLong(x -> x[2]).min().orElse(winner[2]);
            }
            assertThat(alloc.get(0).get("price").asLong()).as(ctx).isEqualTo(expectedPrice);
            assertWinnerViews(root);
            return;
        }
        long max = root.get("request").get("max_providers").asLong();
        long total = 0;
        for (JsonNode a : alloc) {
            long[] prov = p.get(a.get("provider").asInt() - 1);
            assertThat(a.get("units").asLong()).as(ctx).isBetween(1L, prov[1]);
            assertThat(a.get("price").asLong()).isEqualTo(prov[2]);
            total += a.get("units").asLong();
        }
        if (alloc.isEmpty()) {
            // Only if even the cheapest max providers with capacity cannot cover the request.
            long best = p.stream().filter(x -> x[1] > 0).sorted((a, b) -> a[2] != b[2] ? Long.compare(a[2], b[2])
                    : Long.compare(a[0], b[0])).limit(max).mapToLong(x -> x[1]).sum();
            assertThat(best).as(ctx).isLessThan(units);
        } else {
            assertThat(total).as(ctx).isEqualTo(units);
            assertThat((long) alloc.size()).as(ctx).isLessThanOrEqualTo(max);
        }
        assertWinnerViews(root);
    }

    private static void assertWinnerViews(JsonNode root) {
        for (JsonNode v : root.get("views").get("providers")) {
            JsonNode match = null;
            for (JsonNode a : root.get("allocations")) {
                if (a.get("provider").asInt() == v.get("index").asInt()) {
                    match = a;
                }
            }
            assertThat(v.get("won").asBoolean()).isEqualTo(match != null);
            if (match == null) {
                assertThat(v.size()).as("a loser learns only that it lost").isEqualTo(2);
            } else {
                assertThat(v.get("units")).isEqualTo(match.get("units"));
                assertThat(v.get("price")).isEqualTo(match.get("price"));
            }
        }
    }
}
