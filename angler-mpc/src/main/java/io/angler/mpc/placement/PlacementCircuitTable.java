package io.angler.mpc.placement;

import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementWidths;
import io.angler.mpc.circuit.Circuit;
import java.util.Locale;

/**
 * Prints the size of every placement circuit (default widths) as the Markdown table in
 * docs/benchmarks.md and docs/circuits.md. From the repository root, after a build:
 * {@code java -cp angler-mpc/target/classes:angler-core/target/classes
 * io.angler.mpc.placement.PlacementCircuitTable}.
 */
public final class PlacementCircuitTable {
    /** The provider counts of the table. */
    static final int[] PROVIDERS = {2, 4, 8, 16, 32};

    private PlacementCircuitTable() {
    }

    /** The circuits without minimums. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | providers | AND gates | AND per provider | AND depth | all gates | input bits | output bits |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PlacementMode mode : PlacementMode.values()) {
            for (int k : PROVIDERS) {
                Circuit c = PlacementCircuit.build(mode, k, PlacementWidths.DEFAULT).circuit();
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %d | %d | %d | %d |%n", mode.label(), k,
                        c.andGates(), c.andGates() / (double) k, c.andDepth(), c.gates(), inputBits(c), c.outputBits()));
            }
        }
        return sb.toString();
    }

    /** The same circuits with minimums ({@link PlacementSpec#withMinimum()}), and what the minimums add. */
    public static String markdownWithMinimum() {
        StringBuilder sb = new StringBuilder();
        sb.append("| mode | providers | AND gates | AND per provider | added per provider | AND depth | input bits |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (PlacementMode mode : PlacementMode.values()) {
            for (int k : PROVIDERS) {
                Circuit without = PlacementCircuit.build(new PlacementSpec(mode, k, PlacementWidths.DEFAULT, false))
                        .circuit();
                Circuit c = PlacementCircuit.build(new PlacementSpec(mode, k, PlacementWidths.DEFAULT, true)).circuit();
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %d | %d |%n", mode.label(), k,
                        c.andGates(), c.andGates() / (double) k, (c.andGates() - without.andGates()) / (double) k,
                        c.andDepth(), inputBits(c)));
            }
        }
        return sb.toString();
    }

    private static int inputBits(Circuit c) {
        int inputs = 0;
        for (int p = 0; p < c.parties(); p++) {
            inputs += c.inputBits(p);
        }
        return inputs;
    }

    public static void main(String[] args) {
        System.out.print(markdown());
        System.out.println();
        System.out.println("With minimums:");
        System.out.println();
        System.out.print(markdownWithMinimum());
    }
}
