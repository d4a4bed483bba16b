package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The benchmark's output shape (its figures are measured by running it, not here). */
class BenchMpcCommandTest {
    @Test
    void jsonHasThePhasesBytesAndRounds() throws Exception {
        MpcCommandTest.Run r = MpcCommandTest.run("bench", "mpc", "--parties", "3", "--runs", "1", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("parties").asInt()).isEqualTo(3);
        assertThat(root.get("reference_ms").asDouble()).isEqualTo(80.0);
        for (String setting : new String[] {"cold", "warm"}) {
            JsonNode s = root.get(setting);
            assertThat(s.get("total_ms").asDouble()).as(setting).isPositive();
            for (String phase : new String[] {"connect", "base_ot", "ot_extension", "authenticated_bits", "triples",
                "garbling", "online", "output"}) {
                assertThat(s.get("phases_ms").has(phase)).as(setting + " " + phase).isTrue();
            }
            assertThat(s.get("bytes_per_party").asLong()).isPositive();
            assertThat(s.get("rounds").asLong()).isPositive();
        }
        assertThat(root.get("setting").asText()).isEqualTo("cold");
        assertThat(root.get("total_ms").asDouble()).as("the top level is the cold setting")
                .isEqualTo(root.get("cold").get("total_ms").asDouble());
        assertThat(root.get("phases_ms")).isEqualTo(root.get("cold").get("phases_ms"));
        assertThat(root.get("bytes_per_party").asLong()).isEqualTo(root.get("cold").get("bytes_per_party").asLong());
        assertThat(root.get("cold").get("ot_pairs_reused_per_party").asDouble()).isZero();
        assertThat(root.get("warm").get("ot_pairs_reused_per_party").asDouble()).as("every pair reused").isEqualTo(2.0);
        assertThat(root.get("warm").get("bytes_per_party_by_phase").get("base_ot").asLong())
                .as("only the state offers").isLessThan(root.get("cold").get("bytes_per_party_by_phase").get("base_ot").asLong());
        assertThat(r.err()).contains("run 1/1 cold").contains("run 1/1 warm");
    }

    @Test
    void tableAndBadFlags() {
        MpcCommandTest.Run r = MpcCommandTest.run("bench", "mpc", "--parties", "2", "--runs", "1", "--warmup", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("triples").contains("total (whole run)");
        assertThat(MpcCommandTest.run("bench", "mpc", "--parties", "65").err()).contains("--parties 65");
        assertThat(MpcCommandTest.run("bench", "mpc", "--parties", "3", "--runs", "0").err()).contains("--runs 0");
        assertThat(MpcCommandTest.run("bench", "mpc", "--parties", "3", "--only", "tepid").err()).contains("tepid");
        MpcCommandTest.Run warmOnly = MpcCommandTest.run("bench", "mpc", "--parties", "2", "--runs", "1", "--warmup", "0",
                "--only", "warm");
        assertThat(warmOnly.out()).contains("warm wall").doesNotContain("cold wall");
        assertThat(MpcCommandTest.run("bench").exit()).isEqualTo(2);
    }
}
