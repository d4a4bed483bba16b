package io.angler.core.placement;

/**
 * One provider's secret inputs to a placement.
 *
 * @param capacity units it can give now (0 when it has none left: it still takes part)
 * @param price its price per unit-hour now, in integer micro-units
 * @param minUnits the smallest request it serves (1: no minimum). A request of fewer units sees this
 *     provider exactly as if it had capacity 0; in split mode, where a request is spread, the
 *     request's total units are compared with the minimum, not the part this provider would serve
 */
public record Bid(long capacity, long price, long minUnits) {
    /** The minimum of a provider that has none: every request is at least one unit. */
    public static final long NO_MINIMUM = 1;

    public Bid {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        if (price < 0) {
            throw new IllegalArgumentException("price " + price + " is negative");
        }
        if (minUnits < 1) {
            throw new IllegalArgumentException("minimum request " + minUnits + " must be at least 1 (1: no minimum)");
        }
    }

    /** A bid without a minimum request. */
    public Bid(long capacity, long price) {
        this(capacity, price, NO_MINIMUM);
    }

    /** Whether this bid has a minimum above one unit. */
    public boolean hasMinimum() {
        return minUnits > NO_MINIMUM;
    }

    /** The capacity a request of {@code units} units sees: 0 when the request is below the minimum. */
    public long capacityFor(long units) {
        return units >= minUnits ? capacity : 0;
    }

    /** Parses {@code CAPACITY:PRICE} or {@code CAPACITY:PRICE:MIN}, as given on the command line. */
    public static Bid parse(String text) {
        String t = text == null ? "" : text.strip();
        String[] parts = t.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("provider: '" + t
                    + "' is not of the form CAPACITY:PRICE or CAPACITY:PRICE:MIN (e.g. 7:120 or 7:120:3)");
        }
        for (String p : parts) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("provider: '" + t
                        + "' is not of the form CAPACITY:PRICE or CAPACITY:PRICE:MIN (e.g. 7:120 or 7:120:3)");
            }
        }
        long capacity = parseNumber("capacity", parts[0], t);
        long price = parseNumber("price", parts[1], t);
        if (parts.length == 2) {
            return new Bid(capacity, price);
        }
        long min = parseNumber("minimum", parts[2], t);
        if (min < 1) {
            throw new IllegalArgumentException("provider '" + t + "': minimum " + min
                    + " must be at least 1 (1: no minimum)");
        }
        return new Bid(capacity, price, min);
    }

    private static long parseNumber(String what, String s, String whole) {
        try {
            long v = Long.parseLong(s.strip());
            if (v < 0) {
                throw new IllegalArgumentException("provider '" + whole + "': " + what + " " + v + " is negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("provider '" + whole + "': " + what + " '" + s
                    + "' is not a whole number");
        }
    }
}
