package io.angler.mpc.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The circuit-size tables in the docs are exactly what the code builds. */
class PlacementCircuitTableTest {
    @Test
    void docsShowTheTableTheCodeGives() throws IOException {
        for (String table : new String[] {PlacementCircuitTable.markdown(), PlacementCircuitTable.markdownWithMinimum()}) {
            for (String doc : new String[] {"benchmarks.md", "circuits.md"}) {
                // tests run in the module directory
                Path path = Path.of("..", "docs", doc);
                assertThat(Files.readString(path))
                        .as("docs/%s must hold the current tables; regenerate them with PlacementCircuitTable", doc)
                        .contains(table);
            }
        }
    }

    @Test
    void tableCoversEveryModeAndProviderCount() {
        String table = PlacementCircuitTable.markdown();
        assertThat(table.lines().count()).isEqualTo(2 + 3 * PlacementCircuitTable.PROVIDERS.length);
        assertThat(table).contains("| first-price | 8 |").contains("| second-price | 32 |").contains("| split | 2 |");
        assertThat(PlacementCircuitTable.markdownWithMinimum().lines().count()).isEqualTo(table.lines().count());
    }
}
