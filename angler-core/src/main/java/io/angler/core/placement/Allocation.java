package io.angler.core.placement;

/**
 * Units placed on one provider.
 *
 * @param provider 1-based index of the provider in session order
 * @param units units it serves
 * @param price price per unit-hour it is paid, in micro-units
 */
public record Allocation(int provider, long units, long price) {
}
