package io.angler.mpc.placement;

import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementWidths;
import java.util.Objects;

/**
 * What fixes a placement circuit, and so what every party of a session must agree on: the mode,
 * the number of providers, the widths of the integers and whether providers input a minimum
 * request.
 *
 * @param mode the placement mode
 * @param providers K, 1..{@link PlacementCircuit#MAX_PROVIDERS}
 * @param widths the unit and price widths
 * @param withMinimum whether each provider inputs its minimum request ({@code unitBits} more bits;
 *     a request below it sees the provider as if it had capacity 0). Without it a provider must not
 *     have a minimum above 1: its input is refused. It costs about 15 AND gates per provider in
 *     first-price and second-price and 18 in split (docs/circuits.md)
 */
public record PlacementSpec(PlacementMode mode, int providers, PlacementWidths widths, boolean withMinimum) {
    public PlacementSpec {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(widths, "widths");
        if (providers < 1 || providers > PlacementCircuit.MAX_PROVIDERS) {
            throw new IllegalArgumentException("placement circuit: " + providers + " providers is outside 1.."
                    + PlacementCircuit.MAX_PROVIDERS);
        }
    }

    /** Default widths (16-bit units, 32-bit prices), without minimums. */
    public static PlacementSpec of(PlacementMode mode, int providers) {
        return new PlacementSpec(mode, providers, PlacementWidths.DEFAULT, false);
    }

    /** The requester and the providers. */
    public int parties() {
        return providers + 1;
    }

    @Override
    public String toString() {
        return mode.label() + ", " + providers + " provider" + (providers == 1 ? "" : "s") + ", " + widths.unitBits()
                + "-bit units, " + widths.priceBits() + "-bit prices" + (withMinimum ? ", with minimums" : "");
    }
}
