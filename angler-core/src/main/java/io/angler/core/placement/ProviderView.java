package io.angler.core.placement;

/**
 * What one provider learns from a placement: whether it won and, only if it did, its units and price.
 *
 * @param index 1-based index in session order
 * @param won whether it serves part of the request
 * @param units units to provision (0 unless it won)
 * @param price price per unit-hour it is paid (0 unless it won)
 */
public record ProviderView(int index, boolean won, long units, long price) {
    public static ProviderView lost(int index) {
        return new ProviderView(index, false, 0, 0);
    }
}
