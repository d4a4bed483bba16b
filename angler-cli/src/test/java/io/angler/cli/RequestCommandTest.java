package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.geo.Geohash;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.lease.Ledger;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.provider.ProviderNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code angler request} and {@code angler lease} end to end against provider nodes in this
 * process (each with its own identity, ports and data directory), the placement under MPC.
 */
class RequestCommandTest {
    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    ProviderNode provider(String name, long quantity, String price, String dht) {
        String yaml = """
                node:
                  dataDir: %s-data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  metrics: "off"
                  %s
                offers:
                  - name: small
                    unit: cpu=200m,memory=128Mi
                    quantity: %d
                    price: "%s"
                    location: dn5bpsbw
                provisioner: {directory: %s-manifests}
                """.formatted(name, dht, quantity, price, name);
        ProviderConfig c = ProviderConfigLoader.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
        ProviderNode node = ProviderNode.start(c, ProviderCommand.provisioner(c.provisioner()), null,
                MpcPlacementRunner::new, Clock.systemUTC());
        running.add(node);
        return node;
    }

    static String address(ProviderNode n) {
        return "127.0.0.1:" + n.controlAddress().getPort();
    }

    @Test
    void aRequestIsPlacedClaimedWrittenAndItsLeaseRenewedAndReleased() throws Exception {
        ProviderNode dear = provider("dear", 10, "90", "");
        ProviderNode cheap = provider("cheap", 10, "40", "");
        Path data = dir.resolve("requester");
        Path out = dir.resolve("kubeconfigs");
        DemoCommandTest.Run r = DemoCommandTest.run("request", "--unit", "cpu=0.2,memory=128Mi", "--count", "3",
                "--location", "dn5bpsbw", "--provider", address(dear) + "," + address(cheap), "--data-dir", data.toString(),
                "--out", out.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("... probing 2 candidate providers").contains("placement under MPC")
                .doesNotContain("--count").doesNotContain(" 3 unit");
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("private").asBoolean()).isTrue();
        assertThat(root.get("leases")).hasSize(1);
        JsonNode lease = root.get("leases").get(0);
        assertThat(lease.get("units").asLong()).isEqualTo(3);
        assertThat(lease.get("price").asLong()).isEqualTo(40);
        int winner = lease.get("provider").asInt();
        assertThat(root.get("providers").get(winner - 1).get("fingerprint").asText()).isEqualTo(cheap.fingerprint());
        String leaseId = lease.get("lease").asText();
        Path kubeconfig = Path.of(lease.get("kubeconfig").asText());
        assertThat(kubeconfig).exists().hasParentRaw(out);
        assertThat(Files.readString(kubeconfig)).contains(lease.get("namespace").asText());
        assertThat(cheap.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 3, 0, 7));

        DemoCommandTest.Run list = DemoCommandTest.run("lease", "list", "--data-dir", data.toString());
        assertThat(list.out()).contains(leaseId).contains(address(cheap));
        DemoCommandTest.Run renew = DemoCommandTest.run("lease", "renew", leaseId, "--for", "3h", "--data-dir", data.toString());
        assertThat(renew.exit()).as(renew.err()).isZero();
        assertThat(renew.out()).contains("lease " + leaseId + " now ends at")
                .contains("new kubeconfig (ServiceAccount token valid until then) written over " + kubeconfig);
        assertThat(Files.getPosixFilePermissions(kubeconfig))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        DemoCommandTest.Run both = DemoCommandTest.run("lease", "renew", leaseId, "--token", "--csr", "--data-dir",
                data.toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(cheap.ledger().lease(leaseId).expiresAt()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(170)));
        DemoCommandTest.Run release = DemoCommandTest.run("lease", "release", leaseId, "--data-dir", data.toString());
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(cheap.ledger().balance("small").free()).isEqualTo(10);
        assertThat(DemoCommandTest.run("lease", "list", "--data-dir", data.toString(), "--json").out().strip()).isEqualTo("[ ]");
        DemoCommandTest.Run again = DemoCommandTest.run("lease", "release", leaseId, "--data-dir", data.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("no lease " + leaseId + " on record");
    }

    @Test
    void providersAreFoundThroughTheDht() throws Exception {
        DhtNode bootstrap = DhtNode.start(new DhtConfig(dir.resolve("bootstrap"), new InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), List.of(), Geohash.of("dn5bpsbw"), 6, Duration.ofMinutes(2)));
        running.add(bootstrap);
        String dht = "dht: {listen: 127.0.0.1:0, bootstrap: [\"127.0.0.1:" + bootstrap.endpoint().getPort()
                + "\"], expiry: 2m}";
        ProviderNode a = provider("a", 5, "70", dht);
        ProviderNode b = provider("b", 5, "60", dht);
        assertThat(a.awaitAnnounced(Duration.ofSeconds(30))).as(a.announceProblem()).isTrue();
        assertThat(b.awaitAnnounced(Duration.ofSeconds(30))).as(b.announceProblem()).isTrue();
        DemoCommandTest.Run r = DemoCommandTest.run("request", "--unit", "cpu=200m,memory=128Mi", "--count", "2",
                "--location", "dn5bpsbw", "--bootstrap", "127.0.0.1:" + bootstrap.endpoint().getPort(), "--dht-expiry", "2m",
                "--dht-listen", "127.0.0.1:0", "--mode", "second-price", "--data-dir", dir.resolve("req").toString(),
                "--out", dir.resolve("out").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("joining the DHT").contains("probing 2 candidate providers");
        assertThat(r.out()).contains("2 units from provider").contains("at 70 micro-units");
        assertThat(b.ledger().balance("small").leased()).as("the cheaper one won, paid the second price").isEqualTo(2);
    }

    @Test
    void unservableRequestsAndBadFlagsAreClearErrors() throws Exception {
        ProviderNode small = provider("small", 2, "50", "");
        String data = dir.resolve("req").toString();
        DemoCommandTest.Run tooMany = DemoCommandTest.run("request", "--unit", "cpu=200m,memory=128Mi", "--count", "5",
                "--location", "dn5bpsbw", "--provider", address(small), "--data-dir", data, "--out", dir.toString());
        assertThat(tooMany.exit()).isEqualTo(1);
        assertThat(tooMany.err()).contains("none of the 1 provider(s) in the session can serve 5 unit(s)");
        assertThat(small.ledger().balance("small").free()).isEqualTo(2);

        DemoCommandTest.Run tooDear = DemoCommandTest.run("request", "--unit", "cpu=200m,memory=128Mi", "--count", "1",
                "--location", "dn5bpsbw", "--provider", address(small), "--data-dir", data, "--out", dir.toString(),
                "--max-price", "49");
        assertThat(tooDear.exit()).isEqualTo(1);
        assertThat(tooDear.err()).contains("every winner asked more than --max-price 49");
        assertThat(tooDear.out()).contains("Declined: 1 unit(s) from provider 1 at 50");

        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        DemoCommandTest.Run nobody = DemoCommandTest.run("request", "--unit", "cpu=1", "--count", "1", "--location",
                "dn5bpsbw", "--provider", "127.0.0.1:" + dead, "--data-dir", data, "--out", dir.toString());
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("none of the 1 provider(s) found answered the probe");

        String[] base = {"request", "--unit", "cpu=1", "--count", "1", "--location", "dn5bpsbw", "--data-dir", data};
        assertThat(DemoCommandTest.run(base).err()).contains("give --bootstrap HOST:PORT");
        assertThat(run(base, "--provider", "a:1", "--bootstrap", "b:2").err()).contains("not both");
        assertThat(run(base, "--provider", "a:1", "--max-providers", "2").err())
                .contains("--max-providers applies to --mode split only");
        assertThat(run(base, "--provider", "nohost").err()).contains("--provider: address 'nohost' is not of the form");
        assertThat(run(base, "--provider", "a:1", "--lease", "forever").err()).contains("forever");
        DemoCommandTest.Run badUnit = DemoCommandTest.run("request", "--unit", "cpu=fast", "--count", "1", "--location",
                "dn5bpsbw", "--provider", "a:1");
        assertThat(badUnit.exit()).isEqualTo(2);
        assertThat(badUnit.err()).contains("cpu: 'fast' is not a Kubernetes quantity");
        assertThat(DemoCommandTest.run("request", "--unit", "cpu=1", "--count", "0", "--location", "dn5bpsbw",
                "--provider", "a:1").err()).contains("--count 0 is outside 1..65535");
        assertThat(DemoCommandTest.run("request", "--unit", "cpu=1", "--count", "1", "--location", "dn5",
                "--provider", "a:1").err()).contains("--location dn5 has precision 3");
        assertThat(DemoCommandTest.run("request", "--help").out()).contains("--max-price").contains("--budget-ms")
                .contains("--csr").contains("--bootstrap");
        assertThat(DemoCommandTest.run("lease", "renew", "l1", "--data-dir", dir.resolve("none").toString()).err())
                .contains("no requester identity in");
        assertThat(DemoCommandTest.run("lease").err()).contains("a subcommand is required: list, renew or release");
        assertThat(DemoCommandTest.run("lease", "list", "--data-dir", dir.resolve("none").toString()).out())
                .contains("No leases on record");
    }

    static DemoCommandTest.Run run(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return DemoCommandTest.run(all);
    }
}
