package io.angler.core.offer;

import java.time.Duration;

/**
 * How long a provider lets one allocation run, and the smallest request it serves.
 *
 * @param minDuration shortest lease a requester may ask for
 * @param maxDuration longest lease (a renewal extends at most to this from the renewal time)
 * @param minUnits smallest request served; a provider sets it above 1 to blunt capacity probing
 */
public record LeaseLimits(Duration minDuration, Duration maxDuration, long minUnits) {
    public static final LeaseLimits DEFAULT = new LeaseLimits(Duration.ofMinutes(1), Duration.ofDays(30), 1);

    public LeaseLimits {
        if (minDuration == null || maxDuration == null) {
            throw new IllegalArgumentException("lease limits: minimum and maximum duration are required");
        }
        if (minDuration.isNegative() || minDuration.isZero()) {
            throw new IllegalArgumentException("lease limits: minimum duration " + minDuration + " must be positive");
        }
        if (maxDuration.compareTo(minDuration) < 0) {
            throw new IllegalArgumentException("lease limits: maximum duration " + maxDuration
                    + " is shorter than the minimum " + minDuration);
        }
        if (minUnits < 1) {
            throw new IllegalArgumentException("lease limits: minimum units " + minUnits + " must be at least 1");
        }
    }

    /** Clamps a requested lease length into the limits. */
    public Duration clamp(Duration requested) {
        if (requested.compareTo(minDuration) < 0) {
            return minDuration;
        }
        return requested.compareTo(maxDuration) > 0 ? maxDuration : requested;
    }
}
