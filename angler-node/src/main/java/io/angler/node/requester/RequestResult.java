package io.angler.node.requester;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import java.util.List;
import java.util.Map;

/**
 * What a request came to.
 *
 * @param sessionId the session whose result this is (the last one tried)
 * @param mode the placement mode
 * @param request the requester's input to that session
 * @param providers the session's providers in session order (index 1 first)
 * @param allocations what the placement gave the requester (its view), ascending provider index;
 *     empty when the session's providers cannot serve the request
 * @param declined allocations refused because their price is above {@code --max-price}; the
 *     winners were told and released the units
 * @param leases the leases claimed, with their kubeconfigs
 * @param attempts sessions tried
 * @param failures one line per failed session: what went wrong and who was excluded
 * @param candidatesFound providers discovery returned
 * @param candidatesProbed providers that answered the probe
 * @param timingsMs milliseconds per phase (discovery, probe, setup, mpc, claim, kubeconfig, total),
 *     set-up and MPC summed over all attempts
 */
public record RequestResult(String sessionId, PlacementMode mode, PlacementRequest request,
                            List<SessionProvider> providers, List<Allocation> allocations, List<Allocation> declined,
                            List<HeldLease> leases, int attempts, List<String> failures, int candidatesFound,
                            int candidatesProbed, Map<String, Double> timingsMs) {
    public RequestResult {
        providers = List.copyOf(providers);
        allocations = List.copyOf(allocations);
        declined = List.copyOf(declined);
        leases = List.copyOf(leases);
        failures = List.copyOf(failures);
        timingsMs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timingsMs));
    }

    /** Whether any units were claimed. */
    public boolean served() {
        return !leases.isEmpty();
    }

    /**
     * A provider of the session.
     *
     * @param index 1-based session order
     * @param fingerprint its certificate fingerprint
     * @param host its control host
     * @param port its control port
     * @param rttMs the probe's round trip
     */
    public record SessionProvider(int index, String fingerprint, String host, int port, double rttMs) {
    }
}
