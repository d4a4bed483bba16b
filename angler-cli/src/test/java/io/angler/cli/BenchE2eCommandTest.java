package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code angler bench e2e}: the figures it reports, proof that the relays carried and delayed
 * every connection, and that nothing of the pool is left running or listening, also after a
 * failure.
 */
class BenchE2eCommandTest {

    @Test
    void bothFlowsRunThroughTheRelaysAndNothingIsLeftBehind() throws Exception {
        Set<String> socketsBefore = sockets();
        int rtt = 20;
        DemoCommandTest.Run r = DemoCommandTest.run("bench", "e2e", "--providers", "2", "--rtt-ms", "" + rtt, "--runs", "1",
                "--warmup", "0", "--dht-nodes", "2", "--cold", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        double priv = root.get("private_ms").asDouble();
        double plain = root.get("plaintext_ms").asDouble();
        assertThat(root.get("ratio").asDouble()).isCloseTo(priv / plain, org.assertj.core.data.Offset.offset(0.01));
        assertThat(root.get("providers").asInt()).isEqualTo(2);
        assertThat(r.err()).contains("run 1/1 private").contains("run 1/1 plaintext");

        assertThat(root.get("state").asText()).isEqualTo("cold");
        JsonNode p = root.get("private");
        JsonNode c = root.get("plaintext");
        // Every TCP connection went through a relay: the probe's control connection to each provider,
        // and the MPC's full mesh of 3 parties (3 connections), or the plaintext star (2).
        assertThat(p.get("connections").asInt()).isEqualTo(2 + 3);
        assertThat(c.get("connections").asInt()).isEqualTo(2 + 2);
        assertThat(p.get("bytes").get("placement_on_wire").asLong())
                .isGreaterThan(p.get("bytes").get("requester_sent").asLong());
        assertThat(c.get("bytes").get("provider_sent_mean").asLong()).as("capacity, price and minimum request, 8 bytes each").isEqualTo(24);
        // ...and was delayed: the probe needs the TCP and TLS handshakes and two probes (4 RTT), and
        // each of the engine's rounds waits at least for the peers' messages (half an RTT).
        long rounds = p.get("rounds").asLong();
        assertThat(rounds).isPositive();
        assertThat(p.get("phases_ms").get("probe").asDouble()).isGreaterThanOrEqualTo(4 * rtt);
        assertThat(c.get("phases_ms").get("probe").asDouble()).isGreaterThanOrEqualTo(4 * rtt);
        assertThat(p.get("phases_ms").get("placement").asDouble()).isGreaterThanOrEqualTo(rounds * rtt / 2.0);
        List<String> phases = Stream.of("discovery", "probe", "setup", "placement", "claim", "provision", "kubeconfig",
                "total").toList();
        assertThat(p.get("phases_ms").size()).isEqualTo(phases.size());
        phases.forEach(ph -> assertThat(c.get("phases_ms").has(ph)).as(ph).isTrue());
        assertThat(root.get("machine").get("load_average_start")).hasSize(3);

        assertNothingLeft(socketsBefore);
    }

    /**
     * Warm (the default): after a warm-up, both flows carry their sessions over the connections
     * the nodes kept idle; only the probes' control connections are new.
     */
    @Test
    void warmRunsReuseTheNodesConnections() throws Exception {
        Set<String> socketsBefore = sockets();
        DemoCommandTest.Run r = DemoCommandTest.run("bench", "e2e", "--providers", "2", "--rtt-ms", "0", "--runs", "1",
                "--warmup", "1", "--dht-nodes", "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("state").asText()).isEqualTo("warm");
        assertThat(root.get("private").get("connections").asInt()).isEqualTo(2);
        assertThat(root.get("plaintext").get("connections").asInt()).isEqualTo(2);
        assertNothingLeft(socketsBefore);
    }

    @Test
    void aRunThatTakesTooLongFailsClearlyAndStillCleansUp() throws Exception {
        Set<String> socketsBefore = sockets();
        // 400 ms RTT: the probe alone takes 1.6 s, over the 1 s allowed.
        DemoCommandTest.Run r = DemoCommandTest.run("bench", "e2e", "--providers", "1", "--rtt-ms", "400", "--runs", "1",
                "--warmup", "0", "--dht-nodes", "0", "--timeout-s", "1");
        assertThat(r.exit()).isEqualTo(Angler.EXIT_FAILURE);
        assertThat(r.err()).contains("did not finish within 1 s").contains("--timeout-s");
        assertNothingLeft(socketsBefore);
    }

    @Test
    void badFlagsAreClearErrors() {
        assertThat(DemoCommandTest.run("bench", "e2e", "--rtt-ms", "10").err()).contains("--providers");
        DemoCommandTest.Run r = DemoCommandTest.run("bench", "e2e", "--providers", "0", "--rtt-ms", "10");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--providers 0 is outside 1..32");
        assertThat(DemoCommandTest.run("bench", "e2e", "--providers", "2", "--rtt-ms", "-5").err())
                .contains("--rtt-ms -5 is outside 0..1000");
        assertThat(DemoCommandTest.run("bench", "e2e", "--providers", "2", "--rtt-ms", "5", "--runs", "0").err())
                .contains("--runs 0 is outside 1..1000");
        assertThat(DemoCommandTest.run("bench", "e2e", "--providers", "2", "--rtt-ms", "5", "--timeout-s", "0").err())
                .contains("--timeout-s 0 is outside 1..3600");
        assertThat(DemoCommandTest.run("bench", "--help").out()).contains("e2e");
    }

    @Test
    void theInputsAreMadeServableSoEveryRunReachesTheClaim() {
        for (PlacementMode mode : PlacementMode.values()) {
            for (long seed = 0; seed < 200; seed++) {
                Inputs in = BenchE2eCommand.servable(mode, Inputs.draw(mode, 3, seed));
                assertThat(PlaintextPlacement.place(mode, in.request(), in.bids()).served()).isTrue();
            }
        }
        Inputs soldOut = new Inputs(new PlacementRequest(4, 1), List.of(new Bid(0, 90), new Bid(0, 80)));
        Inputs fixed = BenchE2eCommand.servable(PlacementMode.FIRST_PRICE, soldOut);
        assertThat(fixed.request().units()).isEqualTo(1);
        assertThat(fixed.bids().get(0).capacity()).isEqualTo(1);
    }

    /** No thread of the pool runs and no socket of it is open once the command has returned. */
    private static void assertNothingLeft(Set<String> socketsBefore) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> threads;
        Set<String> extra;
        do {
            threads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("relay-") || n.startsWith("angler-") || n.startsWith("mpc-")
                            || n.startsWith("dht"))
                    .toList();
            extra = sockets();
            extra.removeAll(socketsBefore);
            if (threads.isEmpty() && extra.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(threads).as("threads of the pool still alive").isEmpty();
        assertThat(describe(extra)).as("sockets still open (listening or connected)").isEmpty();
    }

    /** Each socket with its line of /proc/net (protocol, addresses, state), for the failure message. */
    private static List<String> describe(Set<String> inodes) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (String s : inodes) {
            String inode = s.substring(s.indexOf('[') + 1, s.indexOf(']'));
            String found = s + " (not in /proc/net/tcp, tcp6, udp, udp6, unix)";
            for (String proto : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
                for (String line : Files.readAllLines(Path.of("/proc/net/" + proto))) {
                    if (List.of(line.trim().split("\\s+")).contains(inode)) {
                        found = proto + ": " + line.trim();
                    }
                }
            }
            out.add(found);
        }
        return out;
    }

    /**
     * The inodes of this process's open network sockets (TCP and UDP, listening or not). Unix
     * sockets are left out: the JVM and the DHT library keep process-internal ones.
     */
    private static Set<String> sockets() throws IOException {
        Set<String> inet = new HashSet<>();
        for (String proto : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String line : Files.readAllLines(Path.of("/proc/net/" + proto))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9) {
                    inet.add("socket:[" + f[9] + "]");
                }
            }
        }
        Set<String> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.collect(Collectors.toList())) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (inet.contains(target)) {
                        out.add(target);
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return out;
    }
}
