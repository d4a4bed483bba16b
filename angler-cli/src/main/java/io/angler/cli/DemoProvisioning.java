package io.angler.cli;

import io.angler.core.placement.Allocation;
import io.angler.core.unit.ResourceUnit;
import io.angler.k8s.Clusters;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.Provisioned;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's last step against a real cluster: each winner's allocation becomes a lease whose
 * namespace, quota, limits, isolation and RBAC are created through the Kubernetes API, and whose
 * token kubeconfig is written to a file for the requester.
 */
final class DemoProvisioning {
    /** The bundle one demo unit stands for: small, so that a demo fits on a laptop cluster. */
    static final ResourceUnit UNIT = ResourceUnit.parse("cpu=100m,memory=64Mi");

    private DemoProvisioning() {
    }

    /** One provisioned allocation and where its kubeconfig went. */
    record Result(int provider, Provisioned provisioned, Path kubeconfig) {
    }

    /**
     * @param runId names the leases and namespaces (a DNS label fragment); the same seed gives the
     *     same id, so repeating a run converges on the same namespaces instead of adding new ones
     */
    static List<Result> provision(Path kubeconfig, String runId, List<Allocation> allocations, Duration length,
                                  Path outDir, PrintWriter log) {
        try (KubernetesClient client = Clusters.connect(kubeconfig)) {
            KubernetesProvisioner provisioner = new KubernetesProvisioner(client,
                    KubernetesProvisioner.Settings.of(ClusterEndpoint.of(client.getConfiguration(), null)));
            Files.createDirectories(outDir);
            Instant now = Instant.now();
            String requester = sha256Hex("angler demo requester " + runId);
            List<Result> results = new ArrayList<>();
            for (Allocation a : allocations) {
                String id = "demo-" + runId + "-p" + a.provider();
                Lease lease = new Lease(id, "demo-provider-" + a.provider(), requester, UNIT, a.units(), a.price(),
                        "angler-" + id, now, now.plus(length));
                Provisioned p = provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
                Path file = outDir.resolve(p.namespace() + ".kubeconfig");
                writePrivate(file, p.kubeconfig());
                log.println("provider " + a.provider() + ": namespace " + p.namespace() + " with a quota of "
                        + a.units() + " x " + UNIT + " on " + p.where() + "; kubeconfig " + file
                        + " (remove with: kubectl delete namespace " + p.namespace() + ")");
                results.add(new Result(a.provider(), p, file));
            }
            log.flush();
            return results;
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("provisioning into " + kubeconfig + " failed: " + Clusters.explain(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfigs to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** The kubeconfig holds a bearer token: only its owner may read it. */
    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
