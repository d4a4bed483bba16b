package io.angler.dht;

import io.angler.core.geo.Geohash;
import java.time.Duration;

/**
 * How far a requester's search widens.
 *
 * @param finestPrecision the precision of the first lookup (the requester's own cell)
 * @param coarsestPrecision the coarsest precision the search widens to
 * @param targetCandidates stop widening once this many distinct providers are found
 * @param timeout the whole search ends by then, with what it found
 */
public record SearchLimits(int finestPrecision, int coarsestPrecision, int targetCandidates, Duration timeout) {
    public static final int MAX_TARGET = 1000;
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** Own cell at 6 characters down to 4, up to 8 candidates, 5 seconds. */
    public static final SearchLimits DEFAULT = new SearchLimits(6, 4, 8, Duration.ofSeconds(5));

    public SearchLimits {
        if (finestPrecision < 1 || finestPrecision > Geohash.MAX_PRECISION) {
            throw new IllegalArgumentException("search: finest precision " + finestPrecision + " is outside 1.."
                    + Geohash.MAX_PRECISION);
        }
        if (coarsestPrecision < 1 || coarsestPrecision > finestPrecision) {
            throw new IllegalArgumentException("search: coarsest precision " + coarsestPrecision + " is outside 1.."
                    + finestPrecision + " (the finest precision)");
        }
        if (targetCandidates < 1 || targetCandidates > MAX_TARGET) {
            throw new IllegalArgumentException("search: target of " + targetCandidates + " candidates is outside 1.."
                    + MAX_TARGET);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("search: timeout " + timeout + " is outside (0, " + MAX_TIMEOUT + "]");
        }
    }
}
