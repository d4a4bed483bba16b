package io.angler.node.select;

import java.time.Duration;

/**
 * What the requester allows a session.
 *
 * @param budget the longest the placement may be predicted to take
 * @param maxProviders the most providers in one session (parties minus the requester)
 * @param minProviders the fewest providers a session needs: 1, or in split mode the number of
 *     providers the request may be spread over (the circuit needs at least that many)
 */
public record SelectionLimits(Duration budget, int maxProviders, int minProviders) {
    /** Largest number of providers in one session. */
    public static final int MAX_PROVIDERS = 63;

    public SelectionLimits {
        if (budget == null || budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("time budget must be positive");
        }
        if (minProviders < 1 || maxProviders < minProviders || maxProviders > MAX_PROVIDERS) {
            throw new IllegalArgumentException("providers per session: need 1 <= minimum (" + minProviders
                    + ") <= maximum (" + maxProviders + ") <= " + MAX_PROVIDERS);
        }
    }
}
