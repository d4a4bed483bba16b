package io.angler.node.provision;

/**
 * What a provisioner hands back for a lease.
 *
 * @param namespace the namespace created for the lease
 * @param kubeconfig a kubeconfig (YAML) for that namespace; for a client certificate it has no
 *     private key, which the requester adds from its own key pair
 * @param where a human-readable note of where the objects went (a cluster URL or a directory)
 */
public record Provisioned(String namespace, String kubeconfig, String where) {
}
