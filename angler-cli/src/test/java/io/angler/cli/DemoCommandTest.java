package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import io.angler.core.placement.PlacementMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DemoCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Angler.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** One private run per mode: discovery on a DHT, the placement under MPC, claims, manifests. */
    @ParameterizedTest
    @ValueSource(strings = {"first-price", "second-price", "split"})
    void aPrivateRunFollowsTheSpecForThePrintedSecrets(String mode, @TempDir Path dir) throws Exception {
        Run r = run("demo", "--json", "--mode", mode, "--seed", "3", "--providers", "4", "--dht-nodes", "3",
                "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("mode").asText()).isEqualTo(mode);
        assertThat(root.get("private").asBoolean()).as("the placement ran under MPC").isTrue();
        assertThat(root.get("providers")).hasSize(4);
        assertThat(root.get("request").has("max_providers")).isEqualTo(mode.equals("split"));
        assertThat(root.get("views").get("requester").get("allocations")).isEqualTo(root.get("allocations"));
        List<String> phases = new ArrayList<>();
        root.get("timings_ms").fieldNames().forEachRemaining(phases::add);
        assertThat(phases).containsExactly("discovery", "probe", "setup", "mpc", "claim", "provision", "total");
        SpecChecks.assertAllocationsFollowSpec(root);
        // The request's secret inputs are the seed's, in whatever order the session put the providers.
        Inputs drawn = Inputs.draw(PlacementMode.parse(mode), 4, 3);
        assertThat(root.get("request").get("units").asLong()).isEqualTo(drawn.request().units());
        List<String> printed = new ArrayList<>();
        root.get("providers").forEach(p -> printed.add(p.get("capacity").asLong() + ":" + p.get("price").asLong()));
        assertThat(printed).containsExactlyInAnyOrderElementsOf(drawn.bids().stream()
                .map(b -> b.capacity() + ":" + b.price()).toList());
        assertThat(r.err()).contains("placement under MPC");
        if (root.get("allocations").size() > 0) {
            try (var files = Files.walk(dir)) {
                assertThat(files.filter(f -> f.getFileName().toString().equals("20-resourcequota.yaml")).count())
                        .as("one lease directory per allocation").isEqualTo(root.get("allocations").size());
            }
        }
    }

    @Test
    void theSeedFixesTheSecretInputs() {
        for (PlacementMode m : PlacementMode.values()) {
            assertThat(Inputs.draw(m, 6, 42)).isEqualTo(Inputs.draw(m, 6, 42));
        }
        assertThat(Inputs.draw(PlacementMode.SPLIT, 6, 42)).isNotEqualTo(Inputs.draw(PlacementMode.SPLIT, 6, 43));
    }

    @Test
    void theTableSaysThatTheRunWasPrivateAndWhereTheManifestsAre(@TempDir Path dir) {
        Run r = run("demo", "--seed", "5", "--providers", "3", "--dht-nodes", "2", "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("PRIVATE: the placement ran under MPC").contains("--seed 5").contains("provider")
                .contains("Checked: the plaintext placement of the same inputs gives the same result")
                .contains(dir.toString());
    }

    @Test
    void badFlagsAreClearErrors() {
        assertThat(run("demo", "--dht-nodes", "-1").err()).contains("--dht-nodes -1 is outside 0..200");
        assertThat(run("demo", "--providers", "0")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--providers 0 is outside 1..32");
        });
        assertThat(run("demo", "--mode", "cheapest").err()).contains("first-price, second-price, split");
        assertThat(run("demo", "--seed", "abc").err()).contains("--seed").contains("abc");
        assertThat(run("demo", "--bogus").err()).contains("Unknown option: '--bogus'");
        assertThat(run("nonsense").exit()).isEqualTo(2);
        assertThat(run().err()).contains("a command is required");
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help").out()).contains("demo");
        assertThat(run("demo", "--help").out()).contains("--providers").contains("--mode").contains("--seed");
    }
}
