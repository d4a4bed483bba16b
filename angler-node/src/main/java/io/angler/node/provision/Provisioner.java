package io.angler.node.provision;

import io.angler.node.lease.Lease;

/**
 * Creates and removes what a lease grants: a Namespace with a ResourceQuota of units times the
 * unit bundle, a LimitRange, a NetworkPolicy isolating it, a Role and RoleBinding, and credentials.
 * Two implementations: one that writes the exact manifests to a directory (no cluster needed), and
 * one that applies them through the Kubernetes API (angler-k8s).
 */
public interface Provisioner {
    /**
     * Provisions the lease. Idempotent: calling it again for the same lease (after a crash, or a
     * retried claim) converges to the same objects and returns fresh credentials.
     */
    Provisioned provision(Lease lease, CredentialRequest credentials);

    /** Removes everything provisioned for the lease. Idempotent. */
    void deprovision(Lease lease);
}
