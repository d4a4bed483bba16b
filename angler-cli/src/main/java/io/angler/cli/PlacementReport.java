package io.angler.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result object of {@code angler demo} and {@code angler place} (SPEC section 4), and its
 * table form for the terminal.
 *
 * @param mode the placement mode
 * @param request the requester's secret request
 * @param bids every provider's secret inputs (only known because all parties run in this process)
 * @param requesterView the allocations as the requester learned them
 * @param providerViews what each provider learned, in session order
 * @param privateRun true only if the placement ran under MPC
 * @param timingsMs phase name to milliseconds, in the order the phases ran
 * @param minimums whether the providers' minimum requests were inputs (then each provider's
 *     {@code minimum} is shown)
 */
record PlacementReport(PlacementMode mode, PlacementRequest request, List<Bid> bids, List<Allocation> requesterView,
                       List<ProviderView> providerViews, boolean privateRun, Map<String, Double> timingsMs,
                       boolean minimums) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A report without minimum requests. */
    PlacementReport(PlacementMode mode, PlacementRequest request, List<Bid> bids, List<Allocation> requesterView,
                    List<ProviderView> providerViews, boolean privateRun, Map<String, Double> timingsMs) {
        this(mode, request, bids, requesterView, providerViews, privateRun, timingsMs, false);
    }

    Map<String, Object> toJsonTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode.label());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("units", request.units());
        if (mode == PlacementMode.SPLIT) {
            req.put("max_providers", request.maxProviders());
        }
        root.put("request", req);
        List<Object> providers = new ArrayList<>();
        for (int i = 0; i < bids.size(); i++) {
            Bid b = bids.get(i);
            providers.add(minimums
                    ? ordered("index", i + 1, "capacity", b.capacity(), "price", b.price(), "minimum", b.minUnits())
                    : ordered("index", i + 1, "capacity", b.capacity(), "price", b.price()));
        }
        root.put("providers", providers);
        List<Object> allocations = allocationsJson();
        root.put("allocations", allocations);
        List<Object> views = new ArrayList<>();
        for (ProviderView v : providerViews) {
            views.add(v.won()
                    ? ordered("index", v.index(), "won", true, "units", v.units(), "price", v.price())
                    : ordered("index", v.index(), "won", false));
        }
        root.put("views", ordered("requester", ordered("allocations", allocationsJson()), "providers", views));
        root.put("private", privateRun);
        Map<String, Object> timings = new LinkedHashMap<>();
        timingsMs.forEach((k, v) -> timings.put(k, Math.round(v * 10) / 10.0));
        root.put("timings_ms", timings);
        return root;
    }

    private List<Object> allocationsJson() {
        List<Object> out = new ArrayList<>();
        for (Allocation a : requesterView) {
            out.add(ordered("provider", a.provider(), "units", a.units(), "price", a.price()));
        }
        return out;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(toJsonTree());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the result as JSON", e);
        }
    }

    /** Prints the human-readable table. */
    void printTable(PrintWriter out) {
        out.printf("Mode %s, request %d unit%s%s, %d providers%n", mode.label(), request.units(),
                request.units() == 1 ? "" : "s",
                mode == PlacementMode.SPLIT ? " over at most " + request.maxProviders() + " providers" : "",
                bids.size());
        out.println();
        if (minimums) {
            out.printf("  %-8s  %8s  %10s  %7s   %s%n", "provider", "capacity", "price", "minimum", "what it learned");
        } else {
            out.printf("  %-8s  %8s  %10s   %s%n", "provider", "capacity", "price", "what it learned");
        }
        for (int i = 0; i < bids.size(); i++) {
            ProviderView v = providerViews.get(i);
            String learned = v.won() ? "WON: provision " + v.units() + " unit" + (v.units() == 1 ? "" : "s")
                    + " at " + v.price() : "not selected";
            Bid b = bids.get(i);
            if (minimums) {
                out.printf("  %-8d  %8d  %10d  %7d   %s%n", i + 1, b.capacity(), b.price(), b.minUnits(), learned);
            } else {
                out.printf("  %-8d  %8d  %10d   %s%n", i + 1, b.capacity(), b.price(), learned);
            }
        }
        out.println();
        if (requesterView.isEmpty()) {
            out.println("Requester learned: the request cannot be served by these providers.");
        } else {
            out.println("Requester learned:");
            for (Allocation a : requesterView) {
                out.printf("  %d unit%s on provider %d at %d micro-units per unit-hour%n", a.units(),
                        a.units() == 1 ? "" : "s", a.provider(), a.price());
            }
        }
        if (!timingsMs.isEmpty()) {
            StringBuilder sb = new StringBuilder("Timings:");
            timingsMs.forEach((k, v) -> sb.append(String.format(" %s %.1f ms,", k, v)));
            out.println(sb.substring(0, sb.length() - 1));
        }
        out.flush();
    }
}
