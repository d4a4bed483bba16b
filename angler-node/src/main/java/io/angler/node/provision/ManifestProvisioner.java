package io.angler.node.provision;

import io.angler.node.files.AtomicFiles;
import io.angler.node.lease.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Provisions a lease by writing the exact objects it would apply as YAML files, one directory per
 * lease ({@code <directory>/<lease id>/}), plus the kubeconfig. No cluster is contacted, so the
 * whole flow runs anywhere; {@code kubectl apply -f <dir>} applies the objects to a real cluster.
 * The kubeconfig carries no credential, and says so: none can exist without a cluster.
 */
public final class ManifestProvisioner implements Provisioner {
    /** Server written into kubeconfigs when none is configured: a name that cannot resolve. */
    public static final String NO_SERVER = "https://no-cluster.invalid";
    public static final String KUBECONFIG_FILE = "kubeconfig.yaml";

    private final Path directory;
    private final NamespaceManifests manifests;
    private final String server;
    private final Clock clock;

    /** With the system clock. */
    public ManifestProvisioner(Path directory, NamespaceManifests manifests, String server) {
        this(directory, manifests, server, Clock.systemUTC());
    }

    /**
     * @param directory where lease directories go
     * @param manifests the object definitions (egress policy)
     * @param server API server URL to write into kubeconfigs, or null for {@link #NO_SERVER}
     * @param clock for the certificate lifetime asked for in a CSR (until the lease's expiry)
     */
    public ManifestProvisioner(Path directory, NamespaceManifests manifests, String server, Clock clock) {
        this.directory = directory;
        this.manifests = manifests;
        this.server = server == null ? NO_SERVER : server;
        this.clock = clock;
    }

    public Path directoryOf(Lease lease) {
        return directory.resolve(lease.id());
    }

    @Override
    public Provisioned provision(Lease lease, CredentialRequest credentials) {
        Path dir = directoryOf(lease);
        Map<String, String> files = new LinkedHashMap<>();
        int i = 0;
        for (Map<String, Object> object : manifests.objects(lease)) {
            files.put(String.format("%02d-%s.yaml", i * 10, ((String) object.get("kind")).toLowerCase()), Yaml.write(object));
            i++;
        }
        List<String> note = new ArrayList<>();
        note.add("Written by Angler's manifest provisioner for lease " + lease.id() + " (namespace " + lease.namespace() + ").");
        note.add("No cluster was contacted, so this kubeconfig holds NO credential and its server is a placeholder.");
        if (credentials instanceof CredentialRequest.ClientCertificate csr) {
            // Until the lease's expiry from now, as the cluster provisioner asks: at a renewal that is
            // the new expiry (the request carries it as an annotation too).
            Duration validFor = Duration.between(clock.instant(), lease.expiresAt());
            files.put(String.format("%02d-certificatesigningrequest.yaml", i * 10),
                    Yaml.write(manifests.certificateSigningRequest(lease, csr.csrPem(), validFor)));
            note.add("Once a cluster signs the CertificateSigningRequest, add its certificate and your own key.");
        } else {
            note.add("On a cluster, a token for ServiceAccount " + NamespaceManifests.TENANT
                    + " would be requested (TokenRequest) and written here.");
        }
        String kubeconfig = Kubeconfigs.build(lease.namespace(), server, null, lease.namespace(),
                new Kubeconfigs.UserCredential.None(), note);
        files.put(KUBECONFIG_FILE, kubeconfig);
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) {
                AtomicFiles.write(dir.resolve(f.getKey()), f.getValue().getBytes(StandardCharsets.UTF_8));
            }
            try (Stream<Path> existing = Files.list(dir)) {
                for (Path p : existing.toList()) {
                    if (!files.containsKey(p.getFileName().toString())) {
                        AtomicFiles.delete(p); // converge: a previous provision may have written more
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write manifests to " + dir + ": " + e.getMessage(), e);
        }
        return new Provisioned(lease.namespace(), kubeconfig, "manifests in " + dir + " (no cluster was contacted)");
    }

    @Override
    public void deprovision(Lease lease) {
        Path dir = directoryOf(lease);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                AtomicFiles.delete(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
