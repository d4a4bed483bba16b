package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    @ParameterizedTest
    @ValueSource(strings = {"first-price", "second-price", "split"})
    void jsonResultFollowsTheSpecForThePrintedSecrets(String mode) throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Run r = run("demo", "--json", "--mode", mode, "--seed", Long.toString(seed), "--providers", "6");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode root = new ObjectMapper().readTree(r.out());
            assertThat(root.get("mode").asText()).isEqualTo(mode);
            assertThat(root.get("private").asBoolean()).isFalse();
            assertThat(root.get("providers")).hasSize(6);
            assertThat(root.get("request").has("max_providers")).isEqualTo(mode.equals("split"));
            assertThat(root.get("views").get("requester").get("allocations")).isEqualTo(root.get("allocations"));
            SpecChecks.assertAllocationsFollowSpec(root);
        }
    }

    @Test
    void sameSeedSameRun() {
        assertThat(run("demo", "--json", "--seed", "7").out().replaceAll("\"timings_ms\"[^}]*}", ""))
                .isEqualTo(run("demo", "--json", "--seed", "7").out().replaceAll("\"timings_ms\"[^}]*}", ""));
    }

    @Test
    void tableSaysPlainlyThatTheRunIsNotPrivate() {
        Run r = run("demo", "--seed", "3");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("NOT PRIVATE").contains("--seed 3").contains("provider");
    }

    @Test
    void badFlagsAreClearErrors() {
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
