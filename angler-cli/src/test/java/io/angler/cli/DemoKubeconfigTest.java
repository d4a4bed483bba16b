package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlaintextPlacement;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code angler demo --kubeconfig}: the winners of the private placement provision their
 * namespaces in that cluster (the fabric8 mock in CRUD mode) and the requester receives their
 * token kubeconfigs.
 */
class DemoKubeconfigTest {
    /** Token requests of any namespace answered with "token-NAMESPACE" (the CRUD mock has no TokenRequest API). */
    static final class TokenIssuingDispatcher extends KubernetesCrudDispatcher {
        private static final Pattern TOKEN = Pattern.compile("/api/v1/namespaces/([^/]+)/serviceaccounts/[^/]+/token");

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            Matcher m = TOKEN.matcher(request.getPath());
            if (m.matches()) {
                return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                        .setBody(Serialization.asJson(new TokenRequestBuilder().withNewStatus()
                                .withToken("token-" + m.group(1)).endStatus().build()));
            }
            return super.handleCreate(request);
        }
    }

    @TempDir
    Path dir;
    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void cluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new TokenIssuingDispatcher(),
                false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void everyWinnerProvisionsItsNamespaceAndTheRequesterGetsItsKubeconfig() throws Exception {
        // The first seed whose split request is served, by the plaintext oracle.
        int seed = 0;
        Inputs inputs;
        do {
            seed++;
            inputs = Inputs.draw(PlacementMode.SPLIT, 4, seed);
        } while (!PlaintextPlacement.place(PlacementMode.SPLIT, inputs.request(), inputs.bids()).served() && seed < 100);
        Path kubeconfig = dir.resolve("cluster.kubeconfig");
        writeKubeconfig(kubeconfig, client);

        Path out = dir.resolve("out");
        DemoCommandTest.Run run = DemoCommandTest.run("demo", "--json", "--seed", Integer.toString(seed), "--mode", "split",
                "--providers", "4", "--dht-nodes", "2", "--dir", dir.resolve("pool").toString(),
                "--kubeconfig", kubeconfig.toString(), "--out", out.toString(), "--lease", "30m");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode allocations = new ObjectMapper().readTree(run.out()).get("allocations");
        assertThat(allocations).isNotEmpty();
        List<Long> granted = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path file : files.toList()) {
                assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                Config kc = Serialization.unmarshal(Files.readString(file), Config.class);
                String ns = kc.getContexts().get(0).getContext().getNamespace();
                assertThat(kc.getUsers().get(0).getUser().getToken()).isEqualTo("token-" + ns);
                assertThat(run.err()).contains("namespace " + ns);
                var quota = client.resourceQuotas().inNamespace(ns).withName("angler-quota").get();
                String cpu = quota.getSpec().getHard().get("requests.cpu").toString();
                long units = Long.parseLong(cpu.substring(0, cpu.length() - 1)) / 100;
                assertThat(quota.getSpec().getHard().get("limits.memory").toString())
                        .isEqualTo(Long.toString(64L * 1024 * 1024 * units));
                granted.add(units);
            }
        }
        List<Long> expected = new ArrayList<>();
        allocations.forEach(a -> expected.add(a.get("units").asLong()));
        assertThat(granted).containsExactlyInAnyOrderElementsOf(expected);
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
        assertThat(run.err()).doesNotContain("starting the DHT");
    }

    /** Writes {@code file}: a kubeconfig for the mock server {@code client} talks to, as its admin. */
    static void writeKubeconfig(Path file, KubernetesClient client) throws java.io.IOException {
        Files.writeString(file, """
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
    }
}
