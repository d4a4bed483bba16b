package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.crd.PoolLease;
import io.angler.node.config.HostPort;
import io.angler.node.config.NodeSettings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code angler operator}: its flags, and one run serving a request against the mock API server. */
class OperatorCommandTest {
    /** The mock API server logs every request at INFO; held here so that the setting sticks. */
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    @TempDir
    Path dir;

    @Test
    void helpDescribesTheCommand() {
        DemoCommandTest.Run run = DemoCommandTest.run("operator", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--kubeconfig", "--public-server", "--egress", "--service-account", "--data-dir",
                "--listen", "--mpc-listen", "--metrics", "--dht-listen", "--bootstrap", "--dht-expiry", "--location",
                "--identity-secret", "ANGLER_LOCATION");
    }

    @Test
    void badArgumentsAreNamed() {
        DemoCommandTest.Run run = DemoCommandTest.run("operator", "--egress", "wide", "--kubeconfig", "/nonexistent");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("egress 'wide' is not one of isolated, internet, open");
        run = DemoCommandTest.run("operator", "--location", "dn5bpsbw", "--bootstrap", "10.0.0.1:6881",
                "--kubeconfig", "/nonexistent/kubeconfig");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("kubeconfig /nonexistent/kubeconfig does not exist");
        run = DemoCommandTest.run("operator", "--certificate-wait", "0");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--certificate-wait 0 is outside 1..3600");

        Map<String[], String> wrong = Map.of(
                new String[] {"--bootstrap", "10.0.0.1:6881"}, "--location is required with a DHT",
                new String[] {"--location", "dn5", "--bootstrap", "10.0.0.1:6881"}, "--location dn5 has 3 characters",
                new String[] {"--location", "dn5ai", "--bootstrap", "10.0.0.1:6881"}, "--location dn5ai: geohash",
                new String[] {"--location", "dn5bpsbw"}, "with no --bootstrap nodes (the pool's first node)",
                new String[] {"--location", "dn5bpsbw", "--bootstrap", "10.0.0.1:0"}, "port 0 cannot be connected to",
                new String[] {"--dht-listen", "off", "--listen", "nowhere"}, "--listen nowhere: address 'nowhere'",
                new String[] {"--dht-listen", "off", "--metrics", "[::1:9"}, "--metrics [::1:9:",
                new String[] {"--location", "dn5bpsbw", "--bootstrap", "10.0.0.1:6881", "--dht-expiry", "soon"},
                "--dht-expiry soon:");
        wrong.forEach((args, message) -> {
            String[] all = new String[args.length + 1];
            all[0] = "operator";
            System.arraycopy(args, 0, all, 1, args.length);
            DemoCommandTest.Run r = DemoCommandTest.run(all);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains(message);
        });
    }

    @Test
    void theDeploymentsArgumentsGiveTheNodeTheListenersItsPortsAndProbesExpect() throws Exception {
        String yaml = Files.readString(Path.of("../deploy/operator.yaml"));
        Deployment d = Serialization.unmarshal(yaml.split("(?m)^---\\s*$")[0], Deployment.class);
        List<String> args = new ArrayList<>(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
        assertThat(args.remove(0)).isEqualTo("operator");
        args.replaceAll(a -> a.replace("$(POD_IP)", "10.1.2.3"));
        OperatorCommand command = new OperatorCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        assertThat(command.inCluster).isTrue();
        NodeSettings node = command.nodeSettings();
        assertThat(node.dataDir()).isEqualTo(Path.of("/var/lib/angler"));
        assertThat(node.listen()).isEqualTo(new HostPort("0.0.0.0", 7400));
        assertThat(node.mpcListen()).isEqualTo(new HostPort("0.0.0.0", 7401));
        assertThat(node.metrics()).isEqualTo(new HostPort("0.0.0.0", 9464));
        assertThat(node.dht().listen()).isEqualTo(new HostPort("10.1.2.3", 6881));
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .extracting(p -> p.getName() + "=" + p.getContainerPort() + "/" + p.getProtocol())
                .containsExactlyInAnyOrder("control=7400/TCP", "mpc=7401/TCP", "dht=6881/UDP", "metrics=9464/TCP");
    }

    /**
     * The operator as a provider: a PoolContribution becomes an offer, and {@code angler request}
     * (given the operator's control endpoint: this run has no DHT) places a request on it under
     * MPC, claims, and gets a token kubeconfig for a namespace the operator made in the cluster.
     */
    @Test
    void theOperatorServesARequestForItsPoolContribution() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new DemoKubeconfigTest.TokenIssuingDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread operator = null;
        try {
            for (String crd : new String[] {"poolcontributions.angler.io", "poolleases.angler.io"}) {
                client.apiextensions().v1().customResourceDefinitions().resource(Serialization.unmarshal(
                        Files.readString(Path.of("../deploy/crds/" + crd + ".yaml")), CustomResourceDefinition.class))
                        .create();
            }
            Path kubeconfig = dir.resolve("cluster.kubeconfig");
            DemoKubeconfigTest.writeKubeconfig(kubeconfig, client);
            CommandLine cl = Angler.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            operator = new Thread(() -> cl.execute("operator", "--kubeconfig", kubeconfig.toString(),
                    "--data-dir", dir.resolve("operator").toString(), "--listen", "127.0.0.1:0", "--mpc-listen",
                    "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--dht-listen", "off",
                    "--public-server", "https://k8s.example.net:6443"), "operator-under-test");
            operator.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!out.toString().contains("stop with Ctrl-C")) {
                assertThat(System.nanoTime()).as("the operator started: %s", err).isLessThan(deadline);
                assertThat(operator.isAlive()).as("the operator stopped: %s", err).isTrue();
                Thread.sleep(50);
            }
            String started = out.toString();
            assertThat(started).contains("identity kept in Secret angler-system/angler-operator-identity")
                    .contains("requesters' kubeconfigs point at https://k8s.example.net:6443");
            String control = find(started, "control \\(TLS 1.3, mutual auth\\): (127\\.0\\.0\\.1:\\d+)");
            String metrics = find(started, "metrics and health: http://(127\\.0\\.0\\.1:\\d+)/metrics");

            PoolContribution pc = new PoolContribution();
            pc.setMetadata(new ObjectMetaBuilder().withName("offer").build());
            pc.setSpec(new PoolContribution.Spec(Map.of("cpu", "200m", "memory", "128Mi"), 9L, "(2*(q-r))+50",
                    "dn5bpsbw", null, null));
            client.resource(pc).create();
            deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                var status = client.resources(PoolContribution.class).withName("offer").get().getStatus();
                if (status != null && status.conditions().stream().anyMatch(c -> c.getType().equals("Ready")
                        && c.getStatus().equals("True"))) {
                    break;
                }
                assertThat(System.nanoTime()).as("the contribution became ready").isLessThan(deadline);
                Thread.sleep(50);
            }

            DemoCommandTest.Run request = DemoCommandTest.run("request", "--unit", "cpu=200m,memory=128Mi", "--count",
                    "4", "--location", "dn5bpsbw", "--provider", control, "--data-dir", dir.resolve("req").toString(),
                    "--out", dir.resolve("kubeconfigs").toString(), "--json");
            assertThat(request.exit()).as(request.err()).isZero();
            JsonNode lease = new ObjectMapper().readTree(request.out()).get("leases").get(0);
            assertThat(lease.get("units").asLong()).isEqualTo(4);
            assertThat(lease.get("price").asLong()).as("f(9, 9) = 50").isEqualTo(50);
            String namespace = lease.get("namespace").asText();
            assertThat(Files.readString(Path.of(lease.get("kubeconfig").asText()))).contains("token-" + namespace)
                    .contains("https://k8s.example.net:6443");
            assertThat(client.resources(PoolLease.class).inNamespace("angler-system")
                    .withName(lease.get("lease").asText()).get().getSpec().units()).isEqualTo(4);
            assertThat(client.resourceQuotas().inNamespace(namespace).withName("angler-quota").get()).isNotNull();

            HttpClient http = HttpClient.newHttpClient();
            for (String path : new String[] {"/healthz", "/livez"}) {
                HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create("http://" + metrics + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(h.body()).as(path).isEqualTo("ok\n");
            }
        } finally {
            if (operator != null) {
                operator.interrupt();
                operator.join(30_000);
                assertThat(operator.isAlive()).as("the operator stops when interrupted").isFalse();
            }
            client.close();
            server.destroy();
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
