package io.angler.core.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The placement function in the clear, exactly as SPEC 1.6 defines it. It is the oracle that the
 * MPC circuits are tested against, and the no-privacy baseline of the benchmarks; it is never how
 * a private session decides.
 *
 * <p>A provider's minimum request ({@link Bid#minUnits()}): a request of fewer units sees that
 * provider as if it had capacity 0, in every mode. In split mode the request's total units are
 * compared with the minimum (not the part the provider would serve), so a provider below whose
 * minimum the request falls never takes one of the max-providers places.
 */
public final class PlaintextPlacement {
    private PlaintextPlacement() {
    }

    /** Places {@code request} over {@code bids} (provider i is {@code bids.get(i - 1)}). */
    public static PlacementOutcome place(PlacementMode mode, PlacementRequest request, List<Bid> bids) {
        List<Allocation> allocations = switch (mode) {
            case FIRST_PRICE -> single(request, bids, false);
            case SECOND_PRICE -> single(request, bids, true);
            case SPLIT -> split(request, bids);
        };
        return new PlacementOutcome(bids.size(), allocations);
    }

    private static List<Allocation> single(PlacementRequest request, List<Bid> bids, boolean secondPrice) {
        int winner = -1;
        for (int i = 0; i < bids.size(); i++) {
            Bid b = bids.get(i);
            // Strictly cheaper replaces: ties stay with the lowest index.
            if (b.capacityFor(request.units()) >= request.units() && (winner < 0 || b.price() < bids.get(winner).price())) {
                winner = i;
            }
        }
        if (winner < 0) {
            return List.of();
        }
        long price = bids.get(winner).price();
        if (secondPrice) {
            long second = Long.MAX_VALUE;
            for (int i = 0; i < bids.size(); i++) {
                Bid b = bids.get(i);
                if (i != winner && b.capacityFor(request.units()) >= request.units()) {
                    second = Math.min(second, b.price());
                }
            }
            if (second != Long.MAX_VALUE) {
                price = second;
            }
        }
        return List.of(new Allocation(winner + 1, request.units(), price));
    }

    private static List<Allocation> split(PlacementRequest request, List<Bid> bids) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < bids.size(); i++) {
            if (bids.get(i).capacityFor(request.units()) > 0) {
                order.add(i);
            }
        }
        order.sort(Comparator.<Integer>comparingLong(i -> bids.get(i).price()).thenComparingInt(i -> i));
        List<Allocation> out = new ArrayList<>();
        long left = request.units();
        for (int k = 0; k < order.size() && k < request.maxProviders() && left > 0; k++) {
            Bid b = bids.get(order.get(k));
            long take = Math.min(b.capacityFor(request.units()), left);
            out.add(new Allocation(order.get(k) + 1, take, b.price()));
            left -= take;
        }
        if (left > 0) {
            return List.of(); // all or nothing
        }
        out.sort(Comparator.comparingInt(Allocation::provider));
        return out;
    }
}
