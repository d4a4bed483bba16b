package io.angler.node.lease;

import io.angler.core.placement.Bid;

/**
 * A provider's secret inputs to one placement, taken from its ledger when the session starts.
 *
 * @param capacity units it can give now: what is neither leased nor reserved by other sessions,
 *     0 when nothing is left (it still takes part, so nobody learns that it is full)
 * @param price its price per unit-hour now, f(q, r) with r the units remaining, in micro-units
 * @param minUnits the offer's minimum request ({@code lease.minUnits}, 1: none): a private input
 *     of the placement, below which a request sees this provider as if it had capacity 0
 */
public record SessionInput(long capacity, long price, long minUnits) {
    /** Inputs without a minimum request. */
    public SessionInput(long capacity, long price) {
        this(capacity, price, Bid.NO_MINIMUM);
    }

    /** The inputs as the placement takes them. */
    public Bid bid() {
        return new Bid(capacity, price, minUnits);
    }
}
