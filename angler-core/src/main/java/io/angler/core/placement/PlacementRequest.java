package io.angler.core.placement;

/**
 * The requester's secret inputs to a placement.
 *
 * @param units number of units wanted (at least 1)
 * @param maxProviders in split mode, the most providers the request may be spread over; 1 otherwise
 */
public record PlacementRequest(long units, int maxProviders) {
    public PlacementRequest {
        if (units < 1) {
            throw new IllegalArgumentException("request: units " + units + " must be at least 1");
        }
        if (maxProviders < 1) {
            throw new IllegalArgumentException("request: max-providers " + maxProviders + " must be at least 1");
        }
    }

    public static PlacementRequest single(long units) {
        return new PlacementRequest(units, 1);
    }
}
