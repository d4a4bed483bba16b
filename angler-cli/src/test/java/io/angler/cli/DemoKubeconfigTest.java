package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code angler demo --kubeconfig} provisions each winner's namespace in that cluster. */
@EnableKubernetesMockClient(crud = true)
class DemoKubeconfigTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void provisionsEveryWinnerAndWritesItsKubeconfig() throws Exception {
        // the first seed whose split request is served (the oracle for who must be provisioned)
        int seed = 0;
        JsonNode allocations;
        do {
            seed++;
            allocations = new ObjectMapper().readTree(DemoCommandTest.run("demo", "--json", "--seed",
                    Integer.toString(seed), "--mode", "split").out()).get("allocations");
        } while (allocations.isEmpty() && seed < 50);
        assertThat(allocations).isNotEmpty();
        String runId = DemoProvisioning.sha256Hex("angler demo " + seed).substring(0, 8);
        for (JsonNode a : allocations) {
            String ns = "angler-demo-" + runId + "-p" + a.get("provider").asInt();
            server.expect().post().withPath("/api/v1/namespaces/" + ns + "/serviceaccounts/angler-tenant/token")
                    .andReturn(201, new TokenRequestBuilder().withNewStatus().withToken("token-" + ns).endStatus()
                            .build()).always();
        }
        Path kubeconfig = dir.resolve("cluster.kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: admin
                  user: {token: admin-token}
                contexts:
                - name: mock
                  context: {cluster: mock, user: admin}
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));

        DemoCommandTest.Run run = DemoCommandTest.run("demo", "--seed", Integer.toString(seed), "--mode", "split", "--kubeconfig",
                kubeconfig.toString(), "--out", dir.resolve("out").toString(), "--lease", "30m");
        assertThat(run.exit()).as(run.err()).isZero();
        for (JsonNode a : allocations) {
            String ns = "angler-demo-" + runId + "-p" + a.get("provider").asInt();
            assertThat(run.out()).contains("namespace " + ns);
            var quota = client.resourceQuotas().inNamespace(ns).withName("angler-quota").get();
            long units = a.get("units").asLong();
            assertThat(quota.getSpec().getHard().get("requests.cpu").toString()).isEqualTo((100 * units) + "m");
            assertThat(quota.getSpec().getHard().get("limits.memory").toString())
                    .isEqualTo(Long.toString(64L * 1024 * 1024 * units));
            Path file = dir.resolve("out").resolve(ns + ".kubeconfig");
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Config kc = Serialization.unmarshal(Files.readString(file), Config.class);
            assertThat(kc.getUsers().get(0).getUser().getToken()).isEqualTo("token-" + ns);
            assertThat(kc.getContexts().get(0).getContext().getNamespace()).isEqualTo(ns);
        }
        assertThat(client.namespaces().list().getItems()).hasSize(allocations.size());
    }

    @Test
    void aBadLeaseLengthIsRefusedBeforeAnythingRuns() throws Exception {
        Path kubeconfig = dir.resolve("none");
        DemoCommandTest.Run run = DemoCommandTest.run("demo", "--kubeconfig", kubeconfig.toString(), "--lease", "soon");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("--lease: 'soon' is not a duration");
    }

    @Test
    void aMissingKubeconfigIsNamed() {
        DemoCommandTest.Run run = DemoCommandTest.run("demo", "--seed", "3", "--kubeconfig",
                dir.resolve("missing.yaml").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("kubeconfig " + dir.resolve("missing.yaml") + " does not exist");
    }
}
