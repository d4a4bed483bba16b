package io.angler.k8s.operator;

import io.angler.core.offer.Offer;
import io.angler.k8s.crd.ContributionSpecs;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseStore;
import java.util.List;
import java.util.Optional;

/**
 * What the operator needs from the provider runtime: the seam between the Kubernetes side (which
 * reads offers from PoolContributions and leases from PoolLeases) and the node (which announces
 * offers in the DHT, takes part in sessions and keeps the ledger). Every method but
 * {@link #restore} must be safe to call again with the same arguments: the operator retries after
 * failures and restarts.
 */
public interface ProviderRuntime {
    /**
     * Opens the ledger on the lease store (every lease stored there is counted) with the offers
     * that are valid now, before the controllers start; from then on the runtime serves them.
     * Called once.
     */
    void restore(LeaseStore leases, List<ContributionSpecs.Checked> offers);

    /**
     * Announces the offer under its pool keys at the given precisions, or, when an offer of that
     * name is already published, replaces it (a new price function, quantity, unit or location).
     * Announcing may go on in the background: {@link #announceProblem} says when it is done.
     *
     * @throws IllegalArgumentException if another published offer has one of its pool keys
     */
    void publish(Offer offer, List<Integer> precisions);

    /** Stops announcing the offer; leases already granted from it run until they end. Idempotent. */
    void withdraw(String offerName);

    /** Units of the offer not held by a lease or a reservation; 0 for an unknown offer. */
    long remaining(String offerName);

    /**
     * Why the published offer is not stored in the pool's DHT yet, or "" once it is (and when
     * there is nothing to announce).
     */
    String announceProblem(String offerName);

    /** The lease as the ledger holds it now, if it does. */
    Optional<Lease> lease(String leaseId);

    /** A lease ended (released or expired) and was deprovisioned: its units return. Idempotent. */
    void leaseEnded(Lease lease);
}
