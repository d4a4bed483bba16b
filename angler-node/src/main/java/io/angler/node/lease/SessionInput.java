package io.angler.node.lease;

/**
 * A provider's secret inputs to one placement, taken from its ledger when the session starts.
 *
 * @param capacity units it can give now: what is neither leased nor reserved by other sessions,
 *     0 when nothing is left (it still takes part, so nobody learns that it is full)
 * @param price its price per unit-hour now, f(q, r) with r the units remaining, in micro-units
 * @param minUnits the smallest request it serves (an input of the placement, see docs/protocol.md)
 */
public record SessionInput(long capacity, long price, long minUnits) {
}
