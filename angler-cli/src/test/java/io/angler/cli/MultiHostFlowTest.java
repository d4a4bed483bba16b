package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.mpc.net.TlsIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's flow across hosts: every node in its own network namespace, joined to the others by a
 * veth pair into a bridge in a hub namespace, each bound to its namespace's own address, each a
 * separate JVM ({@code angler dht bootstrap}, {@code angler provider}, {@code angler request}).
 * The requester and the DHT bootstrap node share one namespace; each provider has its own. The
 * result is checked against the plaintext placement of the providers' secret inputs.
 *
 * <p>Needs root and iproute2 ({@code ip netns}); skipped with a message saying so otherwise. The
 * host's own interfaces are never touched (each veth pair is created with both ends already in
 * their namespaces), and every namespace is deleted afterwards, which removes its interfaces, on
 * success, failure or interruption (a shutdown hook backs up the finally block).
 */
class MultiHostFlowTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    private static final String SUBNET = "10.231.0.";
    private static final String UNIT = "cpu=100m,memory=64Mi";
    private static final String LOCATION = "dn5bpsbw";

    @TempDir
    Path dir;

    @Test
    void aRequestAcrossNamespacesMatchesThePlaintextPlacement() throws Exception {
        skipUnlessNamespacesWork();
        List<Bid> bids = List.of(new Bid(6, 120), new Bid(9, 80), new Bid(2, 50));
        PlacementRequest request = new PlacementRequest(5, 1);
        String prefix;
        try (Topology net = Topology.create(bids.size())) {
            prefix = net.prefix;
            String requesterHost = net.address(0);
            Process bootstrap = net.start(0, "bootstrap", dir, "dht", "bootstrap", "--host", requesterHost, "--port", "6881",
                    "--data-dir", dir.resolve("bootstrap").toString());
            awaitLine(dir.resolve("bootstrap.out"), "bootstrap node listening on " + requesterHost, bootstrap);

            Map<String, Bid> secrets = new LinkedHashMap<>();
            Map<String, Path> manifests = new LinkedHashMap<>();
            List<Process> providers = new ArrayList<>();
            for (int i = 1; i <= bids.size(); i++) {
                String host = net.address(i);
                Path data = dir.resolve("p" + i + "-data");
                // The identity made here is the one the provider loads: the test knows whose result is whose.
                String fingerprint = TlsIdentity.loadOrCreate(data).fingerprint();
                secrets.put(fingerprint, bids.get(i - 1));
                manifests.put(fingerprint, dir.resolve("p" + i + "-manifests"));
                Path config = dir.resolve("p" + i + ".yaml");
                Files.writeString(config, """
                        node:
                          dataDir: %s
                          listen: %s:7400
                          mpcListen: %s:7401
                          metrics: %s:9464
                          dht: {listen: "%s:6881", bootstrap: ["%s:6881"]}
                        offers:
                          - {name: demo, unit: "%s", quantity: %d, price: "%d", location: %s}
                        provisioner: {directory: %s}
                        """.formatted(data, host, host, host, host, requesterHost, UNIT, bids.get(i - 1).capacity(),
                        bids.get(i - 1).price(), LOCATION, manifests.get(fingerprint)));
                providers.add(net.start(i, "p" + i, dir, "provider", "--config", config.toString()));
            }
            for (int i = 1; i <= bids.size(); i++) {
                awaitHealthy(net, i, providers.get(i - 1), dir.resolve("p" + i));
            }

            Process requester = net.start(0, "requester", dir, "request", "--unit", UNIT, "--count",
                    "" + request.units(), "--location", LOCATION, "--bootstrap", requesterHost + ":6881",
                    "--candidates", "" + bids.size(), "--attempts", "1", "--mpc-listen", requesterHost + ":0",
                    "--data-dir", dir.resolve("requester").toString(), "--out", dir.resolve("kubeconfigs").toString(),
                    "--json");
            assertThat(requester.waitFor(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the request finished within %s s", REQUEST_TIMEOUT.toSeconds()).isTrue();
            String err = Files.readString(dir.resolve("requester.err"));
            assertThat(requester.exitValue()).as(err).isZero();
            JsonNode result = new ObjectMapper().readTree(Files.readString(dir.resolve("requester.out")));

            // Every provider took part, each reached at its own namespace's address.
            List<Bid> inSessionOrder = new ArrayList<>();
            List<String> order = new ArrayList<>();
            for (JsonNode p : result.get("providers")) {
                String fingerprint = p.get("fingerprint").asText();
                assertThat(secrets).containsKey(fingerprint);
                int pool = new ArrayList<>(secrets.keySet()).indexOf(fingerprint) + 1;
                assertThat(p.get("address").asText()).isEqualTo(net.address(pool) + ":7400");
                inSessionOrder.add(secrets.get(fingerprint));
                order.add(fingerprint);
            }
            assertThat(order).containsExactlyInAnyOrderElementsOf(secrets.keySet());

            // The oracle: the plaintext placement of the same secrets in session order.
            List<Allocation> expected = PlaintextPlacement.place(PlacementMode.FIRST_PRICE, request, inSessionOrder)
                    .allocations();
            List<Allocation> got = new ArrayList<>();
            for (JsonNode a : result.get("allocations")) {
                got.add(new Allocation(a.get("provider").asInt(), a.get("units").asLong(), a.get("price").asLong()));
            }
            assertThat(expected).hasSize(1);
            assertThat(got).isEqualTo(expected);

            // The winner provisioned it (manifests in its own directory) and the requester holds a kubeconfig.
            JsonNode lease = result.get("leases").get(0);
            String winner = order.get(expected.get(0).provider() - 1);
            Path quota = manifests.get(winner).resolve(lease.get("lease").asText()).resolve("20-resourcequota.yaml");
            assertThat(quota).exists();
            assertThat(Files.readString(quota)).contains("angler-" + lease.get("lease").asText());
            assertThat(Path.of(lease.get("kubeconfig").asText())).exists();
            for (Map.Entry<String, Path> m : manifests.entrySet()) {
                if (!m.getKey().equals(winner)) {
                    assertThat(!Files.exists(m.getValue()) || isEmpty(m.getValue())).as("a loser provisions nothing").isTrue();
                }
            }
        }
        assertThat(Topology.leftOver(prefix)).as("namespaces of this run left behind").isEmpty();
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    private static void skipUnlessNamespacesWork() {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"),
                "skipped: network namespaces need Linux");
        Assumptions.assumeTrue(isRoot(), "skipped: needs root to create network namespaces (run the build as root to"
                + " include this multi-host test)");
        Assumptions.assumeTrue(Topology.run(List.of("ip", "-V")).ok(),
                "skipped: the 'ip' command (iproute2) is missing; install iproute2 to include this multi-host test");
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Waits until {@code file} has a line containing {@code text}; fails if the process ends or time runs out. */
    private static void awaitLine(Path file, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                String base = file.toString().replaceAll("\\.(out|err)$", "");
                throw new AssertionError("process ended (exit " + p.exitValue() + ") before printing '" + text + "':\n"
                        + tail(Path.of(base + ".out")) + "\n" + tail(Path.of(base + ".err")));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' within " + START_TIMEOUT.toSeconds() + " s:\n" + tail(file));
    }

    /**
     * Waits until provider {@code node}'s {@code /healthz} answers "ok" (its offer is announced on
     * the DHT), asked from the requester's namespace, across the bridge.
     */
    private static void awaitHealthy(Topology net, int node, Process p, Path logs) throws Exception {
        String probe = "exec 3<>/dev/tcp/" + net.address(node) + "/9464 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3"
                + " && cat <&3";
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Topology.Result r = Topology.run(List.of("ip", "netns", "exec", net.namespace(0), "bash", "-c", probe));
            last = r.output();
            if (r.ok() && last.startsWith("HTTP/1.1 200") && last.endsWith("ok")) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("provider " + node + " ended (exit " + p.exitValue() + "):\n"
                        + tail(Path.of(logs + ".out")) + "\n" + tail(Path.of(logs + ".err")));
            }
            Thread.sleep(250);
        }
        throw new AssertionError("provider " + node + " was not healthy within " + START_TIMEOUT.toSeconds() + " s: " + last
                + "\n" + tail(Path.of(logs + ".err")));
    }

    private static String tail(Path f) throws IOException {
        if (!Files.exists(f)) {
            return "(no " + f.getFileName() + ")";
        }
        String s = Files.readString(f);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /**
     * The namespaces: {@code <prefix>hub} with a bridge, and {@code <prefix>n<i>} for node i (0 the
     * requester and bootstrap, 1..K the providers) at {@code 10.231.0.(1 + 10i)}, each with one veth
     * whose peer is a port of the bridge. The prefix is unique per run, so parallel runs do not collide.
     */
    static final class Topology implements AutoCloseable {
        static final String FAMILY = "angler-mh-";
        private final String prefix;
        private final int nodes;
        private final List<String> created = new ArrayList<>();
        private final List<Process> processes = new ArrayList<>();
        private final Thread hook;

        private Topology(String prefix, int nodes) {
            this.prefix = prefix;
            this.nodes = nodes;
            this.hook = new Thread(this::cleanUp, "multi-host-test-cleanup");
        }

        static Topology create(int providers) {
            byte[] r = new byte[3];
            new SecureRandom().nextBytes(r);
            Topology t = new Topology(FAMILY + HexFormat.of().formatHex(r) + "-", providers + 1);
            Runtime.getRuntime().addShutdownHook(t.hook);
            try {
                t.build();
                return t;
            } catch (RuntimeException | Error e) {
                t.close();
                throw e;
            }
        }

        private void build() {
            String hub = prefix + "hub";
            netns(hub);
            ip("-n", hub, "link", "add", "br0", "type", "bridge");
            ip("-n", hub, "link", "set", "br0", "up");
            for (int i = 0; i < nodes; i++) {
                String ns = prefix + "n" + i;
                netns(ns);
                // Both ends are created inside their namespaces: the host's interfaces are not involved.
                ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "v" + i, "netns", hub);
                ip("-n", hub, "link", "set", "v" + i, "master", "br0");
                ip("-n", hub, "link", "set", "v" + i, "up");
                ip("-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
                ip("-n", ns, "link", "set", "eth0", "up");
                ip("-n", ns, "link", "set", "lo", "up");
            }
        }

        String namespace(int node) {
            return prefix + "n" + node;
        }

        String address(int node) {
            return SUBNET + (1 + 10 * node);
        }

        /** Runs {@code angler ARGS} as a JVM of its own inside node {@code node}'s namespace; output to NAME.out/.err. */
        Process start(int node, String name, Path dir, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", prefix + "n" + node,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-cp", classPath(), Angler.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                    .redirectError(dir.resolve(name + ".err").toFile());
            pb.environment().put("ANGLER_LOG_LEVEL", "INFO");
            Process p = pb.start();
            synchronized (processes) {
                processes.add(p);
            }
            return p;
        }

        /** The test's own class path (surefire hands it over in a property when it uses a manifest-only jar). */
        private static String classPath() {
            String cp = System.getProperty("surefire.test.class.path");
            return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
        }

        private void netns(String name) {
            ip("netns", "add", name);
            created.add(name);
        }

        private static void ip(String... args) {
            List<String> cmd = new ArrayList<>(List.of("ip"));
            cmd.addAll(List.of(args));
            Result r = run(cmd);
            if (!r.ok()) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output());
            }
        }

        record Result(boolean ok, String output) {
        }

        static Result run(List<String> cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean done = p.waitFor(30, TimeUnit.SECONDS);
                if (!done) {
                    p.destroyForcibly();
                }
                return new Result(done && p.exitValue() == 0, out.trim());
            } catch (IOException e) {
                return new Result(false, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
        }

        /** Namespaces whose name starts with {@code prefix}. */
        static List<String> leftOver(String prefix) {
            List<String> out = new ArrayList<>();
            for (String line : run(List.of("ip", "netns", "list")).output().split("\n")) {
                String name = line.trim().split("\\s+")[0];
                if (name.startsWith(prefix)) {
                    out.add(name);
                }
            }
            return out;
        }

        /** Stops every process (politely, then by force) and deletes every namespace, which removes its veth. */
        private synchronized void cleanUp() {
            List<Process> ps;
            synchronized (processes) {
                ps = new ArrayList<>(processes);
                processes.clear();
            }
            ps.forEach(Process::destroy);
            for (Process p : ps) {
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            for (int i = created.size() - 1; i >= 0; i--) {
                run(List.of("ip", "netns", "del", created.get(i)));
            }
            created.clear();
        }

        @Override
        public void close() {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is shutting down and runs the hook itself
            }
        }
    }
}
