package io.angler.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Connecting to a cluster the way the command line asks, and turning API errors into advice. */
public final class Clusters {
    private Clusters() {
    }

    /**
     * A client for the cluster of a kubeconfig file (its current context), or, with no file, the
     * client's own discovery: the in-cluster service account inside a pod, else KUBECONFIG or
     * ~/.kube/config.
     */
    public static KubernetesClient connect(Path kubeconfig) {
        if (kubeconfig == null) {
            return new KubernetesClientBuilder().build();
        }
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not exist or is not a file");
        }
        Config config;
        try {
            config = Config.fromKubeconfig((File) kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " cannot be read: " + e.getMessage(), e);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** A message that says what to do about a failed API call. */
    public static String explain(KubernetesClientException e) {
        return switch (e.getCode()) {
            case 401 -> "the cluster rejected the credentials (401); check the kubeconfig's user";
            case 403 -> "the cluster denied a request (403): " + e.getMessage()
                    + "; apply deploy/rbac.yaml, or use an identity with those permissions";
            case 404 -> "the cluster does not know a resource (404): " + e.getMessage()
                    + "; install the CRDs with: kubectl apply -f deploy/crds/";
            default -> e.getCode() <= 0
                    ? "cannot reach the cluster (" + rootCause(e) + "); check the server URL and that it is up"
                    : "the cluster answered " + e.getCode() + ": " + e.getMessage();
        };
    }
}
