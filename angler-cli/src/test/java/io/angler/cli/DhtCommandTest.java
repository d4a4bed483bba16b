package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.geo.Geohash;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DhtCommandTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path tmp;

    @Test
    void benchDhtPrintsOneJsonObjectWithTheSpecifiedFields() throws Exception {
        DemoCommandTest.Run r = DemoCommandTest.run("bench", "dht", "--nodes", "25", "--lookups", "10", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("nodes").asInt()).isEqualTo(25);
        assertThat(root.get("lookups").asInt()).isEqualTo(10);
        assertThat(root.get("found").asInt()).isEqualTo(10);
        assertThat(root.get("p50_ms").asDouble()).isPositive().isLessThanOrEqualTo(root.get("p99_ms").asDouble());
        assertThat(r.err()).contains("bench dht:");
    }

    @Test
    void announceThenLookupFindsTheProvidersEndpoint() throws Exception {
        try (DhtNode bootstrap = DhtNode.start(new DhtConfig(tmp.resolve("bootstrap"), new InetSocketAddress(LOOPBACK, 0),
                List.of(), Geohash.of("dn5bpsbw"), 6, Duration.ofMinutes(30)))) {
            String boot = "127.0.0.1:" + bootstrap.endpoint().getPort();
            CompletableFuture<DemoCommandTest.Run> provider = CompletableFuture.supplyAsync(() -> DemoCommandTest.run(
                    "dht", "announce", "--bootstrap", boot, "--unit", "cpu=200m,memory=128Mi", "--location", "dn5bpsbw",
                    "--service-port", "7443", "--duration", "6s"));
            DemoCommandTest.Run lookup = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                Thread.sleep(250);
                lookup = DemoCommandTest.run("dht", "lookup", "--bootstrap", boot, "--unit", "cpu=0.2,memory=128Mi",
                        "--location", "dn5bpsbz", "--target", "1", "--json");
                if (lookup.out().contains("7443")) {
                    break;
                }
            }
            assertThat(lookup.exit()).as(lookup.err()).isZero();
            JsonNode root = new ObjectMapper().readTree(lookup.out());
            assertThat(root.get("candidates")).hasSize(1);
            assertThat(root.get("candidates").get(0).get("endpoint").asText()).isEqualTo("127.0.0.1:7443");
            assertThat(root.get("candidates").get(0).get("precision").asInt()).isEqualTo(6);
            assertThat(root.get("candidates").get(0).get("cell").asText()).isEqualTo("dn5bps");
            DemoCommandTest.Run announced = provider.get();
            assertThat(announced.exit()).as(announced.err()).isZero();
            assertThat(announced.out()).contains("announced 127.0.0.1:7443 under dn5bps");
        }
    }

    @Test
    void bootstrapRunsForItsDurationAndStops() {
        DemoCommandTest.Run r = DemoCommandTest.run("dht", "bootstrap", "--port", "0", "--data-dir",
                tmp.resolve("b").toString(), "--duration", "500ms");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("bootstrap node listening on 127.0.0.1:").contains("node ID 650a");
        assertThat(tmp.resolve("b").resolve("node-id")).exists();
    }

    @Test
    void anUnreachableBootstrapIsAClearFailure() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        DemoCommandTest.Run r = DemoCommandTest.run("dht", "lookup", "--bootstrap", "127.0.0.1:" + port, "--unit", "cpu=1",
                "--join-timeout", "1s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("none of the bootstrap nodes 127.0.0.1:" + port + " answered");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void badFlagsAreClearErrors() {
        assertThat(DemoCommandTest.run("dht", "lookup", "--bootstrap", "127.0.0.1:1", "--unit", "cpu=1",
                "--location", "dn5bpa")).satisfies(r -> {
                    assertThat(r.exit()).isEqualTo(2);
                    assertThat(r.err()).contains("'a' at position 6");
                });
        assertThat(DemoCommandTest.run("dht", "lookup", "--bootstrap", "localhost", "--unit", "cpu=1")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("is not HOST:PORT");
        });
        assertThat(DemoCommandTest.run("dht", "lookup", "--bootstrap", "127.0.0.1:1", "--unit", "cpu=1",
                "--location", "dn5bp")).satisfies(r -> {
                    assertThat(r.exit()).isEqualTo(2);
                    assertThat(r.err()).contains("coarser than --finest 6");
                });
        assertThat(DemoCommandTest.run("dht", "lookup", "--bootstrap", "127.0.0.1:1", "--unit", "bogus")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("name=quantity");
        });
        assertThat(DemoCommandTest.run("dht", "nodes", "--count", "0", "--bootstrap", "127.0.0.1:1")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--count 0");
        });
        assertThat(DemoCommandTest.run("dht", "bootstrap", "--expiry", "1s")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--expiry 1s");
        });
        assertThat(DemoCommandTest.run("dht", "bootstrap", "--duration", "soon")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("not a duration");
        });
        assertThat(DemoCommandTest.run("bench", "dht", "--nodes", "1")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--nodes 1");
        });
        assertThat(DemoCommandTest.run("bench")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("a benchmark is required");
        });
        assertThat(DemoCommandTest.run("dht")).satisfies(r -> assertThat(r.exit()).isEqualTo(2));
    }
}
