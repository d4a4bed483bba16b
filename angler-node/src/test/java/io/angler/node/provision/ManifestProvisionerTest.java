package io.angler.node.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.angler.core.unit.ResourceUnit;
import io.angler.node.lease.Lease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ManifestProvisionerTest {
    static final String CSR = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";

    @TempDir
    Path dir;

    static Lease lease(String unit, long units) {
        return new Lease("l0123456789abcdef01234567", "small", "a".repeat(64), ResourceUnit.parse(unit), units, 95,
                "angler-l0123456789abcdef01234567", Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T01:00:00Z"));
    }

    static JsonNode read(Path file) throws Exception {
        return Yaml.mapper().readTree(file.toFile());
    }

    static List<String> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesEveryObjectWithTheQuotaOfUnitsTimesTheBundle() throws Exception {
        ManifestProvisioner p = new ManifestProvisioner(dir, new NamespaceManifests(EgressPolicy.INTERNET), null);
        Lease lease = lease("cpu=0.2,memory=128Mi,nvidia.com/gpu=1,ephemeral-storage=1Gi", 5);
        Provisioned out = p.provision(lease, new CredentialRequest.ServiceAccountToken());
        Path d = dir.resolve(lease.id());
        assertThat(files(d)).containsExactly("00-namespace.yaml", "10-serviceaccount.yaml", "20-resourcequota.yaml",
                "30-limitrange.yaml", "40-networkpolicy.yaml", "50-role.yaml", "60-rolebinding.yaml", "kubeconfig.yaml");
        assertThat(out.namespace()).isEqualTo(lease.namespace());
        assertThat(out.where()).contains(d.toString()).contains("no cluster");

        JsonNode ns = read(d.resolve("00-namespace.yaml"));
        assertThat(ns.at("/kind").asText()).isEqualTo("Namespace");
        assertThat(ns.at("/metadata/name").asText()).isEqualTo(lease.namespace());
        assertThat(ns.at("/metadata/labels").get("angler.io/lease").asText()).isEqualTo(lease.id());
        assertThat(ns.at("/metadata/labels").get("pod-security.kubernetes.io/enforce").asText()).isEqualTo("baseline");
        assertThat(ns.at("/metadata/annotations").get("angler.io/units").asText()).isEqualTo("5");

        // The oracle: 5 x (200 millicores, 128 MiB, 1 GPU, 1 GiB) computed by hand.
        JsonNode hard = read(d.resolve("20-resourcequota.yaml")).at("/spec/hard");
        assertThat(hard.get("requests.cpu").asText()).isEqualTo("1000m");
        assertThat(hard.get("limits.cpu").asText()).isEqualTo("1000m");
        assertThat(hard.get("requests.memory").asText()).isEqualTo(Long.toString(5L * 128 * 1024 * 1024));
        assertThat(hard.get("limits.memory").asText()).isEqualTo(Long.toString(5L * 128 * 1024 * 1024));
        assertThat(hard.get("requests.ephemeral-storage").asText()).isEqualTo(Long.toString(5L << 30));
        assertThat(hard.get("limits.ephemeral-storage").asText()).isEqualTo(Long.toString(5L << 30));
        assertThat(hard.get("requests.nvidia.com/gpu").asText()).isEqualTo("5");
        assertThat(hard.has("limits.nvidia.com/gpu")).as("Kubernetes quotas extended resources as requests only").isFalse();
        assertThat(hard.size()).isEqualTo(7);
        assertThat(read(d.resolve("20-resourcequota.yaml")).at("/metadata/namespace").asText()).isEqualTo(lease.namespace());

        JsonNode limits = read(d.resolve("30-limitrange.yaml")).at("/spec/limits/0");
        assertThat(limits.at("/type").asText()).isEqualTo("Container");
        assertThat(limits.at("/default/cpu").asText()).isEqualTo("200m");
        assertThat(limits.at("/defaultRequest/memory").asText()).isEqualTo(Long.toString(128L * 1024 * 1024));
        assertThat(limits.at("/default").has("nvidia.com/gpu")).as("no pod is forced to take a GPU").isFalse();

        JsonNode binding = read(d.resolve("60-rolebinding.yaml"));
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo("angler-tenant");
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/1/name").asText()).isEqualTo("angler:lease:" + lease.id());

        JsonNode role = read(d.resolve("50-role.yaml"));
        List<String> writable = new ArrayList<>();
        for (JsonNode rule : role.get("rules")) {
            boolean writes = false;
            for (JsonNode v : rule.get("verbs")) {
                writes |= v.asText().equals("create") || v.asText().equals("update") || v.asText().equals("delete");
            }
            if (writes) {
                rule.get("resources").forEach(r -> writable.add(r.asText()));
            }
        }
        assertThat(writable).contains("pods", "deployments", "services")
                .doesNotContain("resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings", "namespaces");

        JsonNode kubeconfig = read(d.resolve("kubeconfig.yaml"));
        assertThat(kubeconfig.at("/contexts/0/context/namespace").asText()).isEqualTo(lease.namespace());
        assertThat(kubeconfig.at("/clusters/0/cluster/server").asText()).isEqualTo(ManifestProvisioner.NO_SERVER);
        assertThat(kubeconfig.at("/users/0/user").size()).isZero();
        assertThat(out.kubeconfig()).startsWith("# Written by Angler's manifest provisioner").contains("NO credential");
    }

    @ParameterizedTest
    @EnumSource(EgressPolicy.class)
    void networkPolicyAdmitsOnlyTheNamespaceAndEgressAsConfigured(EgressPolicy egress) throws Exception {
        ManifestProvisioner p = new ManifestProvisioner(dir, new NamespaceManifests(egress), null);
        Lease lease = lease("cpu=1", 1);
        p.provision(lease, new CredentialRequest.ServiceAccountToken());
        JsonNode spec = read(dir.resolve(lease.id()).resolve("40-networkpolicy.yaml")).get("spec");
        assertThat(spec.at("/podSelector").size()).isZero();
        assertThat(spec.at("/ingress").size()).isEqualTo(1);
        assertThat(spec.at("/ingress/0/from/0/podSelector").size()).as("same namespace only").isZero();
        assertThat(spec.at("/ingress/0/from/0").has("namespaceSelector")).isFalse();
        switch (egress) {
            case OPEN -> {
                assertThat(spec.get("policyTypes").toString()).isEqualTo("[\"Ingress\"]");
                assertThat(spec.has("egress")).isFalse();
            }
            case ISOLATED -> {
                assertThat(spec.get("egress").size()).isEqualTo(2);
                assertThat(spec.toString()).doesNotContain("ipBlock");
                assertThat(spec.at("/egress/1/ports/0/port").asInt()).isEqualTo(53);
            }
            case INTERNET -> {
                assertThat(spec.get("egress").size()).isEqualTo(3);
                assertThat(spec.at("/egress/2/to/0/ipBlock/cidr").asText()).isEqualTo("0.0.0.0/0");
                assertThat(spec.at("/egress/2/to/0/ipBlock/except").toString()).contains("10.0.0.0/8", "169.254.0.0/16");
            }
        }
    }

    @Test
    void provisioningIsIdempotentAndDeprovisioningRemovesEverything() throws Exception {
        Lease lease = lease("cpu=1,memory=1Gi", 2);
        ManifestProvisioner p = new ManifestProvisioner(dir, new NamespaceManifests(EgressPolicy.ISOLATED),
                "https://k8s.example.org:6443", Clock.fixed(lease.createdAt(), ZoneOffset.UTC));
        Provisioned withCsr = p.provision(lease, new CredentialRequest.ClientCertificate(CSR));
        Path d = dir.resolve(lease.id());
        JsonNode csr = read(d.resolve("70-certificatesigningrequest.yaml"));
        assertThat(csr.at("/spec/expirationSeconds").asLong()).isEqualTo(3600);
        assertThat(csr.at("/metadata/annotations/angler.io~1expires-at").asText()).isEqualTo("2030-01-01T01:00:00Z");
        assertThat(csr.at("/spec/signerName").asText()).isEqualTo("kubernetes.io/kube-apiserver-client");
        assertThat(new String(Base64.getDecoder().decode(csr.at("/spec/request").asText()))).isEqualTo(CSR);
        assertThat(withCsr.kubeconfig()).contains("https://k8s.example.org:6443");

        Map<String, byte[]> before = snapshot(d);
        p.provision(lease, new CredentialRequest.ClientCertificate(CSR));
        assertThat(snapshot(d).keySet()).isEqualTo(before.keySet());
        for (String f : before.keySet()) {
            assertThat(Files.readAllBytes(d.resolve(f))).as(f).isEqualTo(before.get(f));
        }
        p.provision(lease, new CredentialRequest.ServiceAccountToken());
        assertThat(files(d)).doesNotContain("70-certificatesigningrequest.yaml").hasSize(8);

        p.deprovision(lease);
        assertThat(d).doesNotExist();
        p.deprovision(lease); // idempotent
        assertThat(dir).isEmptyDirectory();
    }

    /** A renewal provisions the lease again with its new expiry: the request asks until then. */
    @Test
    void aRenewalRewritesTheExpiryAndTheCertificateLifetime() throws Exception {
        Lease lease = lease("cpu=1,memory=1Gi", 2);
        Instant renewedAt = lease.createdAt().plus(Duration.ofMinutes(50));
        ManifestProvisioner p = new ManifestProvisioner(dir, new NamespaceManifests(EgressPolicy.ISOLATED), null,
                Clock.fixed(renewedAt, ZoneOffset.UTC));
        p.provision(lease, new CredentialRequest.ClientCertificate(CSR));
        Lease renewed = lease.withExpiry(renewedAt.plus(Duration.ofHours(6)));
        p.provision(renewed, new CredentialRequest.ClientCertificate(CSR));
        Path d = dir.resolve(lease.id());
        JsonNode csr = read(d.resolve("70-certificatesigningrequest.yaml"));
        assertThat(csr.at("/spec/expirationSeconds").asLong()).isEqualTo(6 * 3600);
        assertThat(csr.at("/metadata/annotations/angler.io~1expires-at").asText()).isEqualTo(renewed.expiresAt().toString());
        assertThat(read(d.resolve("00-namespace.yaml")).at("/metadata/annotations/angler.io~1expires-at").asText())
                .isEqualTo(renewed.expiresAt().toString());
    }

    private static Map<String, byte[]> snapshot(Path d) throws Exception {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        for (String f : files(d)) {
            m.put(f, Files.readAllBytes(d.resolve(f)));
        }
        return m;
    }
}
