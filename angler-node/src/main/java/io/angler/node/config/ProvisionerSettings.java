package io.angler.node.config;

import io.angler.node.provision.EgressPolicy;
import java.nio.file.Path;

/**
 * How a provider provisions a lease.
 *
 * @param kind {@code manifests} (write the objects as YAML, no cluster) or {@code kubernetes}
 * @param directory where the manifest provisioner writes one directory per lease
 * @param kubeconfig kubeconfig of the provider's cluster for the kubernetes provisioner; null means
 *     in-cluster or the KUBECONFIG environment variable
 * @param server API server URL written into the requester's kubeconfig; null means taken from the
 *     cluster connection (kubernetes) or a placeholder that says no cluster was used (manifests)
 * @param egress where pods of a leased namespace may connect to
 */
public record ProvisionerSettings(Kind kind, Path directory, Path kubeconfig, String server, EgressPolicy egress) {
    public ProvisionerSettings {
        if (kind == null || egress == null) {
            throw new IllegalArgumentException("provisioner: kind and egress are required");
        }
        if (kind == Kind.MANIFESTS && directory == null) {
            throw new IllegalArgumentException("provisioner: the manifests provisioner needs a directory");
        }
        if (server != null && !server.matches("https://[^\\s]{1,250}")) {
            throw new IllegalArgumentException("provisioner: server '" + server + "' is not an https:// URL");
        }
    }

    public enum Kind {
        MANIFESTS("manifests"),
        KUBERNETES("kubernetes");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.label.equals(text)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not one of manifests, kubernetes");
        }
    }
}
