package io.angler.node.requester;

import io.angler.core.geo.Geohash;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.SearchLimits;
import io.angler.node.protocol.Message;
import io.angler.node.select.SelectionLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a requester asks for and how far it goes to get it.
 *
 * @param unit the resource unit (the pool is per unit)
 * @param units how many units (secret: only the placement and the winners learn it)
 * @param location where the capacity should be (geohash; discovery starts at its cell)
 * @param mode the placement mode
 * @param maxProviders split mode: the most providers the request may be spread over (secret, an
 *     input of the placement); 1 in the other modes
 * @param maxPrice the highest price per unit-hour (micro-units) the requester accepts, or null for
 *     none; applied by the requester to the result it learns (see docs/protocol.md)
 * @param budget the longest the placement may be predicted to take (selection drops the slowest)
 * @param maxParties the most parties in one session, the requester included
 * @param search how far discovery widens
 * @param leaseLength the lease length asked for (each provider clamps it into its limits)
 * @param clientCertificate true to ask for a client certificate through a CSR made here (the
 *     private key never leaves this machine) instead of a ServiceAccount token
 * @param outputDir where the kubeconfigs are written
 * @param sessionTimeout how long one session may take, set-up to result (its deadline)
 * @param maxAttempts sessions tried before giving up (after failures, without the parties that failed)
 */
public record RequestSpec(ResourceUnit unit, long units, Geohash location, PlacementMode mode, int maxProviders,
                          Long maxPrice, Duration budget, int maxParties, SearchLimits search, Duration leaseLength,
                          boolean clientCertificate, Path outputDir, Duration sessionTimeout, int maxAttempts) {
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_PARTIES = 9;
    public static final Duration DEFAULT_LEASE = Duration.ofHours(1);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_ATTEMPTS = 3;
    /** Sessions may not run longer than providers accept by default (sessions.maxDeadline). */
    public static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(5);

    public RequestSpec {
        if (unit == null || location == null || mode == null || budget == null || search == null || leaseLength == null
                || outputDir == null || sessionTimeout == null) {
            throw new IllegalArgumentException("request: unit, location, mode, budget, search limits, lease length,"
                    + " output directory and session timeout are required");
        }
        PlacementWidths w = PlacementWidths.DEFAULT;
        if (units < 1 || units > w.maxUnits()) {
            throw new IllegalArgumentException("--count " + units + " is outside 1.." + w.maxUnits());
        }
        if (mode == PlacementMode.SPLIT) {
            if (maxProviders < 1 || maxProviders > SelectionLimits.MAX_PROVIDERS) {
                throw new IllegalArgumentException("--max-providers " + maxProviders + " is outside 1.."
                        + SelectionLimits.MAX_PROVIDERS);
            }
        } else if (maxProviders != 1) {
            throw new IllegalArgumentException("--max-providers applies to --mode split only (a "
                    + mode.label() + " placement has one winner)");
        }
        if (maxPrice != null && (maxPrice < 0 || maxPrice > w.maxPrice())) {
            throw new IllegalArgumentException("--max-price " + maxPrice + " is outside 0.." + w.maxPrice()
                    + " (micro-units per unit-hour)");
        }
        if (budget.isNegative() || budget.isZero() || budget.compareTo(MAX_SESSION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--budget-ms " + budget.toMillis() + " is outside 1.."
                    + MAX_SESSION_TIMEOUT.toMillis());
        }
        if (maxParties < 2 || maxParties > Message.MAX_PARTIES) {
            throw new IllegalArgumentException("--max-parties " + maxParties + " is outside 2.." + Message.MAX_PARTIES
                    + " (the requester and at least one provider)");
        }
        if (location.precision() < search.finestPrecision()) {
            throw new IllegalArgumentException("--location " + location + " has precision " + location.precision()
                    + "; discovery starts at precision " + search.finestPrecision() + ", give a finer geohash");
        }
        if (leaseLength.getSeconds() < 1 || leaseLength.getSeconds() > Message.MAX_LEASE_SECONDS) {
            throw new IllegalArgumentException("--lease " + leaseLength + " is outside 1s.." + Message.MAX_LEASE_SECONDS + "s");
        }
        if (sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0 || sessionTimeout.compareTo(MAX_SESSION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("session timeout " + sessionTimeout + " is outside 1s.." + MAX_SESSION_TIMEOUT);
        }
        if (maxAttempts < 1 || maxAttempts > 16) {
            throw new IllegalArgumentException("--attempts " + maxAttempts + " is outside 1..16");
        }
    }

    /** The same request with another number of attempts. */
    public RequestSpec withAttempts(int attempts) {
        return new RequestSpec(unit, units, location, mode, maxProviders, maxPrice, budget, maxParties, search, leaseLength,
                clientCertificate, outputDir, sessionTimeout, attempts);
    }

    /**
     * The requester's input to a session of {@code providers} providers: the units and, in split
     * mode, the provider limit, which cannot exceed the session's providers (fewer providers than
     * allowed simply means the request is spread over at most those).
     */
    public PlacementRequest placementRequest(int providers) {
        return new PlacementRequest(units, mode == PlacementMode.SPLIT ? Math.min(maxProviders, providers) : 1);
    }

    /** The selection's bounds: at most {@code maxParties - 1} providers, at least one. */
    public SelectionLimits selectionLimits() {
        return new SelectionLimits(budget, maxParties - 1, 1);
    }
}
