package io.angler.node.lease;

import java.util.List;

/**
 * Durable storage of a provider's leases: the ledger is rebuilt from it on start, so a lease
 * written here is never lost across a restart. Two implementations: a file in the node's data
 * directory, and PoolLease custom resources in the provider's cluster (angler-k8s).
 */
public interface LeaseStore {
    /** Stores a new lease or replaces the lease with the same id; durable when it returns. */
    void put(Lease lease);

    /** Removes a lease; removing an absent lease is not an error. */
    void remove(String leaseId);

    /** Every stored lease. */
    List<Lease> all();
}
