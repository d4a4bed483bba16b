package io.angler.node.config;

import java.time.Duration;

/**
 * Bounds on the sessions a provider takes part in.
 *
 * @param maxConcurrent sessions running at once (MPC memory and threads); further setups are
 *     refused as busy, which says nothing about capacity
 * @param maxDeadline furthest session deadline accepted in a setup
 * @param claimWindow how long a won allocation waits for the requester's claim before its units
 *     return to the offer
 * @param reuseOt whether the node keeps its pairwise OT state (in memory) between sessions with the
 *     same peers, skipping their base OTs (docs/mpc.md, "Reusing OT state across sessions")
 */
public record SessionSettings(int maxConcurrent, Duration maxDeadline, Duration claimWindow, boolean reuseOt) {
    public static final SessionSettings DEFAULT = new SessionSettings(16, Duration.ofMinutes(5), Duration.ofMinutes(2),
            true);

    public SessionSettings {
        if (maxConcurrent < 1 || maxConcurrent > 1024) {
            throw new IllegalArgumentException("sessions: maxConcurrent " + maxConcurrent + " is outside 1..1024");
        }
        if (maxDeadline == null || maxDeadline.compareTo(Duration.ofSeconds(1)) < 0
                || maxDeadline.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("sessions: maxDeadline " + maxDeadline + " is outside 1s..1h");
        }
        if (claimWindow == null || claimWindow.compareTo(Duration.ofSeconds(1)) < 0
                || claimWindow.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("sessions: claimWindow " + claimWindow + " is outside 1s..1h");
        }
    }
}
