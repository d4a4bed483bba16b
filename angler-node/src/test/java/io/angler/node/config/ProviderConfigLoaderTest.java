package io.angler.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.Offer;
import io.angler.core.unit.ResourceUnit;
import io.angler.node.provision.EgressPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderConfigLoaderTest {
    private static final String MINIMAL = """
            node:
              dataDir: data
            offers:
              - name: small
                unit: cpu=200m,memory=128Mi
                quantity: 40
                price: (2*(q-r))+20
                location: dn5bpsbw
            provisioner:
              directory: out
            """;

    static ProviderConfig parse(String yaml) {
        return ProviderConfigLoader.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8), Path.of("/etc/angler"));
    }

    @Test
    void otReuseCanBeTurnedOffAndMustBeABoolean() {
        String off = MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  sessions:\n    reuseOt: false\n");
        assertThat(parse(off).node().sessions().reuseOt()).isFalse();
        String bad = MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  sessions:\n    reuseOt: sometimes\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(bad)).hasMessageContaining("reuseOt");
    }

    @Test
    void theDocumentedExampleLoads() {
        Path example = Path.of("..", "deploy", "examples", "provider.yaml");
        ProviderConfig c = ProviderConfigLoader.load(example);
        assertThat(c.offers()).hasSize(2);
        Offer small = c.offers().get(0).offer();
        assertThat(small.unit()).isEqualTo(ResourceUnit.parse("cpu=0.2,memory=134217728"));
        assertThat(small.quantity()).isEqualTo(40);
        assertThat(small.priceNow(40)).isEqualTo(20);
        assertThat(small.priceNow(30)).isEqualTo(40);
        assertThat(small.leaseLimits().maxDuration()).isEqualTo(Duration.ofDays(30));
        Offer gpu = c.offers().get(1).offer();
        assertThat(gpu.unit().amounts()).containsEntry("nvidia.com/gpu", 1L).containsEntry("cpu", 2000L);
        assertThat(c.node().dataDir()).isEqualTo(example.toAbsolutePath().getParent().resolve("provider-data").normalize());
        assertThat(c.node().dht().bootstrap()).containsExactly(new HostPort("dht.example.org", 6881));
        assertThat(c.node().dht().expiry()).isEqualTo(DhtSettings.DEFAULT_EXPIRY);
        assertThat(c.node().rateLimits().perIdentity()).isEqualTo(new RateLimitSettings.Bucket(10, 30));
        assertThat(c.node().sessions().claimWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.node().sessions().reuseOt()).as("on by default").isTrue();
        assertThat(c.provisioner().egress()).isEqualTo(EgressPolicy.INTERNET);
        assertThat(c.offers().get(0).poolKeys()).hasSize(3);
        assertThat(c.offerFor(c.offers().get(1).poolKeys().get(0))).contains(gpu);
    }

    @Test
    void defaultsFillTheMinimalFile() {
        ProviderConfig c = parse(MINIMAL);
        assertThat(c.node().dataDir()).isEqualTo(Path.of("/etc/angler/data"));
        assertThat(c.node().listen()).isEqualTo(new HostPort("0.0.0.0", 7400));
        assertThat(c.node().mpcListen()).isEqualTo(new HostPort("0.0.0.0", 7401));
        assertThat(c.node().metrics()).isEqualTo(new HostPort("127.0.0.1", 9464));
        assertThat(c.node().rateLimits()).isEqualTo(RateLimitSettings.DEFAULT);
        assertThat(c.node().sessions()).isEqualTo(SessionSettings.DEFAULT);
        assertThat(c.offers().get(0).announcePrecisions()).containsExactly(4, 5, 6);
        assertThat(c.offers().get(0).offer().location()).isEqualTo(Geohash.of("dn5bpsbw"));
        assertThat(c.offers().get(0).offer().leaseLimits().minUnits()).isEqualTo(1);
        assertThat(c.provisioner().directory()).isEqualTo(Path.of("/etc/angler/out"));
    }

    @Test
    void metricsCanBeTurnedOffAndTheNodeMinimumIsInherited() {
        ProviderConfig c = parse(MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  metrics: \"off\"\n  minimumRequest: 3\n"));
        assertThat(c.node().metrics()).isNull();
        assertThat(c.offers().get(0).offer().leaseLimits().minUnits()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top field     | 'offers:'                          | 'ofers:'                        | p.yaml: ofers: unknown field",
        "misspelt offer field  | '    quantity: 40'                  | '    quantitty: 40'               | offers[0].quantitty: unknown field",
        "negative quantity     | '    quantity: 40'                  | '    quantity: -1'                | offers[0].quantity: -1 is out of range 0..65535",
        "quantity too wide     | '    quantity: 40'                  | '    quantity: 70000'             | offers[0].quantity: 70000 is out of range",
        "quantity not a number | '    quantity: 40'                  | '    quantity: lots'              | offers[0].quantity: 'lots' is not a whole number",
        "bad price             | '    price: (2*(q-r))+20'           | '    price: exec(q)'              | offers[0].price: price function: unknown name 'exec'",
        "price divides by zero | '    price: (2*(q-r))+20'           | '    price: 10/(q-r)'             | offers[0].price: price function: '10/(q-r)' cannot be evaluated for q=40, r=40",
        "price too large       | '    price: (2*(q-r))+20'           | '    price: 99999999999'          | offers[0].price: gives 99999999999",
        "bad geohash           | '    location: dn5bpsbw'            | '    location: dn5bpsbi'          | offers[0].location: geohash: 'dn5bpsbi' has 'i'",
        "coarse location       | '    location: dn5bpsbw'            | '    location: dn5'               | offers[0].location: has precision 3",
        "bad unit              | '    unit: cpu=200m,memory=128Mi'   | '    unit: cpu=fast'              | offers[0].unit: cpu: 'fast' is not a Kubernetes quantity",
        "bad data dir type     | '  dataDir: data'                   | '  dataDir: [a, b]'               | node.dataDir: must be a single value",
        "bad listen            | 'node:'                             | 'node:\n  listen: localhost'     | node.listen: address 'localhost' is not of the form host:port",
        "bad egress            | '  directory: out'                  | '  directory: out\n  egress: all' | provisioner.egress: egress 'all' is not one of isolated, internet, open",
        "missing directory     | '  directory: out'                  | '  kind: manifests'              | provisioner.directory: is required for kind manifests",
        "bad offer name        | '  - name: small'                   | '  - name: Small_1'              | offers[0]: offer: name 'Small_1' is not a DNS label",
        "duplicate key         | '    quantity: 40'                  | '    quantity: 40\n    quantity: 41' | p.yaml: is not valid YAML",
    })
    void everyErrorNamesFileFieldAndValue(String what, String from, String to, String expected) {
        String yaml = MINIMAL.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThat(yaml).as("test setup: the replacement must apply").isNotEqualTo(MINIMAL);
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void theDhtIsOptionalAndItsFirstNodeNeedsARealAddress() {
        assertThat(parse(MINIMAL).node().dht()).as("no dht section: offers are not announced").isNull();
        assertThat(parse(MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  dht: \"off\"\n")).node().dht()).isNull();
        ProviderConfig c = parse(MINIMAL.replace("  dataDir: data\n",
                "  dataDir: data\n  dht: {listen: 127.0.0.1:0, expiry: 1m}\n"));
        assertThat(c.node().dht()).isEqualTo(new DhtSettings(new HostPort("127.0.0.1", 0), List.of(), Duration.ofMinutes(1)));
        assertThatThrownBy(() -> parse(MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  dht: {listen: 0.0.0.0:6881}\n")))
                .hasMessageContaining("node.dht.listen: with no bootstrap nodes (the pool's first node), give the address");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  dht: {bootstrap: [a:1], expiry: 1s}\n")))
                .hasMessageContaining("node.dht: dht: expiry PT1S is outside 2s..24h");
        assertThatThrownBy(() -> parse(MINIMAL.replace("  dataDir: data\n", "  dataDir: data\n  dht: {bootstrap: [a:1], port: 3}\n")))
                .hasMessageContaining("node.dht.port: unknown field");
    }

    @Test
    void leaseLimitsAreValidatedTogether() {
        String yaml = MINIMAL.replace("    location: dn5bpsbw\n", "    location: dn5bpsbw\n    lease: {min: 1h, max: 5m}\n");
        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("offers[0].lease: lease limits: maximum duration PT5M"
                + " is shorter than the minimum PT1H");
        String bad = MINIMAL.replace("    location: dn5bpsbw\n", "    location: dn5bpsbw\n    lease: {max: soon}\n");
        assertThatThrownBy(() -> parse(bad)).hasMessageContaining("offers[0].lease.max: duration 'soon'");
    }

    @Test
    void twoOffersMayNotShareAPoolKey() {
        String yaml = MINIMAL + """
                """;
        String two = yaml.replace("provisioner:", """
                  - name: other
                    unit: {memory: 128Mi, cpu: "0.2"}
                    quantity: 1
                    price: "5"
                    location: dn5bpsbw
                provisioner:""");
        assertThatThrownBy(() -> parse(two)).hasMessageContaining("offers 'small' and 'other' share the pool key");
        assertThatThrownBy(() -> parse(two.replace("name: other", "name: small")))
                .hasMessageContaining("offer name 'small' is used twice");
    }

    @Test
    void hostileYamlIsRejectedCleanly() {
        StringBuilder laughs = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (int i = 1; i < 30; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [*a").append(i == 1 ? "" : i - 1)
                    .append(",*a").append(i == 1 ? "" : i - 1).append("]\n");
        }
        assertThatThrownBy(() -> parse(laughs.toString())).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> parse("[".repeat(10_000))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("p.yaml: is empty");
        assertThatThrownBy(() -> parse("just text")).hasMessageContaining("must be a mapping");
        assertThatThrownBy(() -> parse("node: {dataDir: d}\noffers: 3\nprovisioner: {directory: o}"))
                .hasMessageContaining("p.yaml: offers: must be a list, found '3'");
        byte[] huge = new byte[ProviderConfigLoader.MAX_FILE_BYTES + 1];
        assertThatThrownBy(() -> ProviderConfigLoader.parse("big.yaml", huge, null)).hasMessageContaining("big.yaml: is");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ProviderConfigLoader.load(dir.resolve("nope.yaml"))).hasMessageContaining("nope.yaml: no such file");
        Path f = dir.resolve("ok.yaml");
        Files.writeString(f, MINIMAL);
        assertThat(ProviderConfigLoader.load(f).node().dataDir()).isEqualTo(dir.toAbsolutePath().resolve("data"));
    }

    @Test
    void durationsAndAddressesParse() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("not of the form");
        assertThatThrownBy(() -> Durations.parse("99999d")).hasMessageContaining("outside");
        assertThat(HostPort.parse("[::1]:7400")).isEqualTo(new HostPort("::1", 7400));
        assertThat(HostPort.parse(":7400")).isEqualTo(new HostPort("0.0.0.0", 7400));
        assertThat(HostPort.parse("10.0.0.1:1").toString()).isEqualTo("10.0.0.1:1");
        for (String bad : List.of("host", "a:b", "[::1]7400", "h:70000", "bad_host:1", "::1:7400")) {
            assertThatThrownBy(() -> HostPort.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
