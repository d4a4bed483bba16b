package io.angler.core.placement;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a request is matched to providers (SPEC 1.6). */
public enum PlacementMode {
    /** The cheapest provider that can serve the whole request wins and is paid its own price. */
    FIRST_PRICE("first-price"),
    /** Same winner as first-price, paid the lowest price among the other providers that could have served. */
    SECOND_PRICE("second-price"),
    /** The request is filled greedily by ascending price over at most max-providers providers. */
    SPLIT("split");

    private final String label;

    PlacementMode(String label) {
        this.label = label;
    }

    /** The name used on the command line and in JSON, e.g. {@code first-price}. */
    public String label() {
        return label;
    }

    public static PlacementMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (PlacementMode m : values()) {
            if (m.label.equals(t) || m.name().toLowerCase(Locale.ROOT).equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode: '" + text + "' is not one of "
                + Arrays.stream(values()).map(PlacementMode::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return label;
    }
}
