package io.angler.node.config;

import io.angler.core.offer.Offer;
import io.angler.core.pool.PoolKey;
import java.util.List;

/**
 * One offer as configured, with the geohash precisions it is announced at.
 *
 * @param offer the offer (its quantity and price function are secrets: never log them)
 * @param announcePrecisions geohash precisions of the pool keys it is announced under, finest last
 */
public record OfferConfig(Offer offer, List<Integer> announcePrecisions) {
    public OfferConfig {
        announcePrecisions = List.copyOf(announcePrecisions);
        offer.poolKeys(announcePrecisions); // checks every precision against the location
    }

    public List<PoolKey> poolKeys() {
        return offer.poolKeys(announcePrecisions);
    }
}
