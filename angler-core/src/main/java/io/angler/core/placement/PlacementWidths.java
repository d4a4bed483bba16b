package io.angler.core.placement;

import java.util.List;

/**
 * Bit widths of the placement circuit's integers. Inputs outside them cannot be placed, so they
 * are rejected up front with a message naming the value.
 *
 * @param unitBits width of units, request and capacity
 * @param priceBits width of prices
 */
public record PlacementWidths(int unitBits, int priceBits) {
    public static final PlacementWidths DEFAULT = new PlacementWidths(16, 32);

    public PlacementWidths {
        if (unitBits < 1 || unitBits > 62 || priceBits < 1 || priceBits > 62) {
            throw new IllegalArgumentException("widths: unit bits " + unitBits + " and price bits " + priceBits
                    + " must be within 1..62");
        }
    }

    public long maxUnits() {
        return (1L << unitBits) - 1;
    }

    public long maxPrice() {
        return (1L << priceBits) - 1;
    }

    /** Checks that every input fits these widths and that the request suits the mode. */
    public void check(PlacementMode mode, PlacementRequest request, List<Bid> bids) {
        if (bids.isEmpty()) {
            throw new IllegalArgumentException("placement: needs at least one provider");
        }
        if (request.units() > maxUnits()) {
            throw new IllegalArgumentException("request: units " + request.units() + " exceed the maximum "
                    + maxUnits() + " (" + unitBits + "-bit units)");
        }
        if (mode == PlacementMode.SPLIT) {
            if (request.maxProviders() > bids.size()) {
                throw new IllegalArgumentException("request: max-providers " + request.maxProviders()
                        + " is outside 1.." + bids.size() + " (the number of providers)");
            }
        } else if (request.maxProviders() != 1) {
            throw new IllegalArgumentException("request: max-providers applies to split mode only");
        }
        for (int i = 0; i < bids.size(); i++) {
            Bid b = bids.get(i);
            if (b.capacity() > maxUnits()) {
                throw new IllegalArgumentException("provider " + (i + 1) + ": capacity " + b.capacity()
                        + " exceeds the maximum " + maxUnits() + " (" + unitBits + "-bit units)");
            }
            if (b.price() > maxPrice()) {
                throw new IllegalArgumentException("provider " + (i + 1) + ": price " + b.price()
                        + " exceeds the maximum " + maxPrice() + " (" + priceBits + "-bit prices)");
            }
            if (b.minUnits() > maxUnits()) {
                throw new IllegalArgumentException("provider " + (i + 1) + ": minimum request " + b.minUnits()
                        + " exceeds the maximum " + maxUnits() + " (" + unitBits + "-bit units)");
            }
        }
    }
}
