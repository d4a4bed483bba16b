package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementWidths;
import io.angler.mpc.placement.PlacementCircuit;
import io.angler.mpc.placement.PlacementSpec;
import org.junit.jupiter.api.Test;

/** The benchmark's output shape (its figures are measured by running it, not here). */
class BenchPlacementCommandTest {
    @Test
    void jsonHasTheCircuitPhasesBytesAndRounds() throws Exception {
        MpcCommandTest.Run r = MpcCommandTest.run("bench", "placement", "--mode", "split", "--providers", "2", "--minimum",
                "--runs", "1", "--warmup", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        var circuit = PlacementCircuit.build(new PlacementSpec(PlacementMode.SPLIT, 2, PlacementWidths.DEFAULT, true))
                .circuit();
        assertThat(root.get("mode").asText()).isEqualTo("split");
        assertThat(root.get("providers").asInt()).isEqualTo(2);
        assertThat(root.get("minimum").asBoolean()).isTrue();
        assertThat(root.get("and_gates").asInt()).isEqualTo(circuit.andGates());
        assertThat(root.get("depth").asInt()).isEqualTo(circuit.andDepth());
        assertThat(root.get("total_ms").asDouble()).isPositive()
                .isGreaterThanOrEqualTo(root.get("mpc_ms").asDouble());
        for (String phase : new String[] {"base_ot", "ot_extension", "authenticated_bits", "triples", "garbling", "online",
            "output"}) {
            assertThat(root.get("phases_ms").has(phase)).as(phase).isTrue();
            assertThat(root.get("bytes_per_party_by_phase").has(phase)).as(phase).isTrue();
        }
        assertThat(root.get("bytes_per_party").asLong()).isPositive();
        assertThat(root.get("rounds").asLong()).isPositive();
        assertThat(r.err()).contains("run 1/1");
    }

    @Test
    void tableAndBadFlags() {
        MpcCommandTest.Run r = MpcCommandTest.run("bench", "placement", "--mode", "first-price", "--providers", "1",
                "--runs", "1", "--warmup", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("AND gates").contains("AND depth").contains("triples").contains("total (whole run)");
        assertThat(MpcCommandTest.run("bench", "placement", "--mode", "split", "--providers", "64").err())
                .contains("--providers 64 is outside 1..63");
        assertThat(MpcCommandTest.run("bench", "placement", "--mode", "split", "--providers", "0").exit()).isEqualTo(2);
        assertThat(MpcCommandTest.run("bench", "placement", "--mode", "split", "--providers", "2", "--runs", "0").err())
                .contains("--runs 0");
        assertThat(MpcCommandTest.run("bench", "placement", "--providers", "2").exit()).isEqualTo(2);
    }
}
