package io.angler.k8s.operator;

import io.angler.core.offer.Offer;
import io.angler.node.lease.Lease;
import java.util.List;

/**
 * What the operator needs from the provider runtime: the seam between the Kubernetes side (which
 * reads offers from PoolContributions and leases from PoolLeases) and the node (which announces
 * offers in the DHT, takes part in sessions and keeps the ledger). Every method must be safe to
 * call again with the same arguments: the operator retries after failures and restarts.
 */
public interface ProviderRuntime {
    /** Rebuilds the ledger from the stored leases. Called once, before any offer is published. */
    void restore(List<Lease> leases);

    /**
     * Announces the offer under its pool keys at the given precisions, or, when an offer of that
     * name is already published, replaces it (a new price function, quantity, unit or location).
     */
    void publish(Offer offer, List<Integer> precisions);

    /** Stops announcing the offer; leases already granted from it run until they end. Idempotent. */
    void withdraw(String offerName);

    /** Units of the offer not held by a lease or a reservation; 0 for an unknown offer. */
    long remaining(String offerName);

    /** A lease ended (released or expired) and was deprovisioned: its units return. Idempotent. */
    void leaseEnded(Lease lease);
}
