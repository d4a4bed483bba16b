package io.angler.node.lease;

import io.angler.core.placement.Bid;

/**
 * A provider's secret inputs to one placement, taken from its ledger when the session starts.
 *
 * @param capacity units it can give now: what is neither leased nor reserved by other sessions,
 *     0 when nothing is left (it still takes part, so nobody learns that it is full)
 * @param price its price per unit-hour now, f(q, r) with r the units remaining, in micro-units
 */
public record SessionInput(long capacity, long price) {
    /** The inputs as the placement takes them. */
    public Bid bid() {
        return new Bid(capacity, price);
    }
}
