package io.angler.cli;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Secret inputs of a demo session: a request and one bid per provider, drawn from a seeded
 * generator so a run can be repeated. These stand in for what real providers and requesters hold;
 * nothing cryptographic is drawn from this generator.
 *
 * @param request the requester's units (and provider limit in split mode)
 * @param bids provider i's capacity and price at index i - 1
 */
record Inputs(PlacementRequest request, List<Bid> bids) {
    static final int MAX_CAPACITY = 20;
    static final long MIN_PRICE = 50;
    static final long MAX_PRICE = 200;

    static Inputs draw(PlacementMode mode, int providers, long seed) {
        Random rnd = new Random(seed);
        List<Bid> bids = new ArrayList<>(providers);
        for (int i = 0; i < providers; i++) {
            // About one provider in six is sold out: it still takes part, with capacity 0.
            long capacity = rnd.nextInt(6) == 0 ? 0 : 1 + rnd.nextInt(MAX_CAPACITY);
            bids.add(new Bid(capacity, MIN_PRICE + rnd.nextInt((int) (MAX_PRICE - MIN_PRICE + 1))));
        }
        long units = 1 + rnd.nextInt(MAX_CAPACITY / 2);
        int maxProviders = mode == PlacementMode.SPLIT ? Math.min(providers, 2) : 1;
        if (mode == PlacementMode.SPLIT) {
            units = 1 + rnd.nextInt(MAX_CAPACITY * maxProviders * 3 / 4);
        }
        return new Inputs(new PlacementRequest(units, maxProviders), bids);
    }
}
