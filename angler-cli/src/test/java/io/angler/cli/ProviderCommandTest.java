package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
                provisioner: {kind: kubernetes}
                """);
        assertThat(DemoCommandTest.run("provider", "--config", k8s.toString()).err())
                .contains("provisioner kind 'kubernetes' is not available");
        assertThat(DemoCommandTest.run("provider").err()).contains("Missing required option: '--config=FILE'");
        assertThat(DemoCommandTest.run("provider", "--help").out()).contains("--config").contains("--check");
    }
}
