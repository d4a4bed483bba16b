package io.angler.core.offer;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a provider contributes to a pool: a secret quantity of a resource unit, a secret price
 * function, a location and lease limits.
 *
 * @param name a DNS-label name unique among the provider's offers
 * @param unit the bundle sold as one unit
 * @param quantity q, the secret number of units contributed
 * @param price f(q, r), the secret price per unit-hour in micro-units
 * @param location the provider's geohash (at least as precise as the finest announce precision)
 * @param leaseLimits the lease durations and minimum request this offer accepts
 */
public record Offer(String name, ResourceUnit unit, long quantity, PriceFunction price, Geohash location,
                    LeaseLimits leaseLimits) {
    /** Precisions a provider announces at unless configured otherwise (SPEC 1.2). */
    public static final List<Integer> DEFAULT_ANNOUNCE_PRECISIONS = List.of(4, 5, 6);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public Offer {
        if (name == null || !DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("offer: name '" + name
                    + "' is not a DNS label (lower-case letters, digits and '-', at most 63)");
        }
        if (unit == null || price == null || location == null || leaseLimits == null) {
            throw new IllegalArgumentException("offer " + name + ": unit, price, location and lease limits are required");
        }
        if (quantity < 0) {
            throw new IllegalArgumentException("offer " + name + ": quantity " + quantity + " is negative");
        }
    }

    /** The price per unit-hour now, with {@code remaining} units left. */
    public long priceNow(long remaining) {
        if (remaining < 0 || remaining > quantity) {
            throw new IllegalArgumentException("offer " + name + ": remaining " + remaining + " is outside 0.." + quantity);
        }
        return price.evaluate(quantity, remaining);
    }

    /** The pool keys this offer is announced under, one per precision. */
    public List<PoolKey> poolKeys(List<Integer> precisions) {
        return precisions.stream()
                .map(p -> {
                    if (p < 1 || p > location.precision()) {
                        throw new IllegalArgumentException("offer " + name + ": announce precision " + p
                                + " is outside 1.." + location.precision() + " (the location's precision)");
                    }
                    return PoolKey.of(unit, location.prefix(p));
                })
                .toList();
    }
}
