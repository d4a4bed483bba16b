package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.unit.ResourceUnit;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderCommandTest {
    @Test
    void checkValidatesTheDocumentedExampleWithoutPrintingSecrets() {
        DemoCommandTest.Run r = DemoCommandTest.run("provider", "--config", "../deploy/examples/provider.yaml", "--check");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("valid").contains("offer small: unit cpu=200m,memory=134217728")
                .contains("offer gpu").contains("precisions [4, 5, 6]")
                .doesNotContain("(2*(q-r))+20").doesNotContain("quantity: 40").doesNotContain("900000");
    }

    /** Kind kubernetes: each lease's namespace, quota, RBAC and token through the API of the configured cluster. */
    @Test
    void theKubernetesProvisionerWorksInTheConfiguredCluster(@TempDir Path dir) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new DemoKubeconfigTest.TokenIssuingDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            DemoKubeconfigTest.writeKubeconfig(dir.resolve("cluster.kubeconfig"), client);
            Files.writeString(dir.resolve("p.yaml"), """
                    node: {dataDir: d, listen: "127.0.0.1:0", metrics: "off"}
                    offers: [{name: a, unit: "cpu=1", quantity: 1, price: "1", location: dn5bpsbw}]
                    provisioner: {kind: kubernetes, kubeconfig: cluster.kubeconfig, server: "https://k8s.example.net:6443"}
                    """);
            ProviderConfig c = ProviderConfigLoader.load(dir.resolve("p.yaml"));
            Provisioner p = ProviderCommand.provisioner(c.provisioner());
            assertThat(p).isInstanceOf(KubernetesProvisioner.class);
            Lease lease = new Lease("l1", "a", "f".repeat(64), ResourceUnit.parse("cpu=1"), 2, 5, "angler-l1",
                    Instant.now(), Instant.now().plusSeconds(3600));
            Provisioned done = p.provision(lease, new CredentialRequest.ServiceAccountToken());
            assertThat(done.kubeconfig()).contains("token-angler-l1").contains("https://k8s.example.net:6443");
            assertThat(client.resourceQuotas().inNamespace("angler-l1").withName("angler-quota").get()).isNotNull();
            p.deprovision(lease);
            assertThat(client.namespaces().withName("angler-l1").get()).isNull();
        } finally {
            server.destroy();
        }
    }

    @Test
    void badConfigurationsAreOneLineErrors(@TempDir Path dir) throws Exception {
        DemoCommandTest.Run missing = DemoCommandTest.run("provider", "--config", dir.resolve("none.yaml").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("none.yaml: no such file").doesNotContain("ANGLER_DEBUG");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "node: {dataDir: d}\noffers: []\nprovisioner: {directory: o}\n");
        DemoCommandTest.Run r = DemoCommandTest.run("provider", "--config", bad.toString(), "--check");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("provider: needs at least one offer");
        Path k8s = dir.resolve("k8s.yaml");
        Files.writeString(k8s, """
                node: {dataDir: d, listen: "127.0.0.1:0", metrics: "off"}
                offers: [{name: a, unit: "cpu=1", quantity: 1, price: "1", location: dn5bpsbw}]
                provisioner: {kind: kubernetes, kubeconfig: missing.kubeconfig}
                """);
        DemoCommandTest.Run noCluster = DemoCommandTest.run("provider", "--config", k8s.toString());
        assertThat(noCluster.exit()).isEqualTo(1);
        assertThat(noCluster.err()).contains("kubeconfig " + dir.resolve("missing.kubeconfig") + " does not exist");
        assertThat(DemoCommandTest.run("provider", "--config", k8s.toString(), "--check").out())
                .contains("provisioner: kubernetes into the cluster of " + dir.resolve("missing.kubeconfig"));
        assertThat(DemoCommandTest.run("provider").err()).contains("Missing required option: '--config=FILE'");
        assertThat(DemoCommandTest.run("provider", "--help").out()).contains("--config").contains("--check");
    }
}
