package io.angler.node.lease;

import java.time.Instant;

/**
 * Units of an offer held for a session. While the session runs, the provider holds every unit it
 * fed into the placement as capacity (the result could give all of them away); once the result is
 * known a loser's reservation is released and a winner's shrinks to the units it won, waiting for
 * the requester's claim.
 *
 * @param key the session
 * @param offer the offer the units come from
 * @param units units held
 * @param price price per unit-hour: the provider's input while in session, the agreed price once won
 * @param state in session, or won and waiting for the claim
 * @param expiresAt the session deadline, or the end of the claim window once won
 */
public record Reservation(SessionKey key, String offer, long units, long price, State state, Instant expiresAt) {
    public Reservation {
        if (key == null || offer == null || state == null || expiresAt == null) {
            throw new IllegalArgumentException("reservation: key, offer, state and expiry are required");
        }
        if (units < 0 || price < 0) {
            throw new IllegalArgumentException("reservation " + key + ": units and price must not be negative");
        }
        if (state == State.WON && units == 0) {
            throw new IllegalArgumentException("reservation " + key + ": a won reservation holds at least one unit");
        }
    }

    public enum State {
        /** The placement is running; the units are the capacity fed into it. */
        IN_SESSION,
        /** The provider won these units and waits for the requester's claim. */
        WON
    }
}
