package io.angler.core.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of a placement and what each party learns from it (SPEC 1.7): the requester learns
 * every allocation; a provider learns whether it won and, if so, its own units and price.
 *
 * @param providers number of providers in the session
 * @param allocations the winners in ascending provider order; empty when the request cannot be served
 */
public record PlacementOutcome(int providers, List<Allocation> allocations) {
    public PlacementOutcome {
        allocations = List.copyOf(allocations);
    }

    public boolean served() {
        return !allocations.isEmpty();
    }

    /** Provider {@code index}'s (1-based) view. */
    public ProviderView providerView(int index) {
        if (index < 1 || index > providers) {
            throw new IllegalArgumentException("provider index " + index + " is outside 1.." + providers);
        }
        for (Allocation a : allocations) {
            if (a.provider() == index) {
                return new ProviderView(index, true, a.units(), a.price());
            }
        }
        return ProviderView.lost(index);
    }

    public List<ProviderView> providerViews() {
        List<ProviderView> views = new ArrayList<>(providers);
        for (int i = 1; i <= providers; i++) {
            views.add(providerView(i));
        }
        return views;
    }
}
