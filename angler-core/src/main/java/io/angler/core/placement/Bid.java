package io.angler.core.placement;

/**
 * One provider's secret inputs to a placement.
 *
 * @param capacity units it can give now (0 when it has none left: it still takes part)
 * @param price its price per unit-hour now, in integer micro-units
 */
public record Bid(long capacity, long price) {
    public Bid {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        if (price < 0) {
            throw new IllegalArgumentException("price " + price + " is negative");
        }
    }

    /** Parses {@code CAPACITY:PRICE}, as given on the command line. */
    public static Bid parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        if (colon <= 0 || colon == t.length() - 1 || t.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("provider: '" + t + "' is not of the form CAPACITY:PRICE (e.g. 7:120)");
        }
        return new Bid(parseNumber("capacity", t.substring(0, colon), t), parseNumber("price", t.substring(colon + 1), t));
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
