package io.angler.mpc.circuit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Bristol files under {@code src/test/resources/circuits}: every one is generated here from our
 * own builder (none is fetched from elsewhere). {@link StandardCircuitFilesTest} fails when a file
 * differs from what the code generates; to regenerate them all, from the repository root:
 * <pre>
 * ./mvnw -q -B -pl angler-mpc -am test-compile
 * java -cp angler-mpc/target/classes:angler-mpc/target/test-classes:angler-core/target/classes \
 *     io.angler.mpc.circuit.StandardCircuitFiles angler-mpc/src/test/resources/circuits
 * </pre>
 */
public final class StandardCircuitFiles {
    /** File name to its text. */
    static Map<String, Supplier<String>> files() {
        Map<String, Supplier<String>> m = new LinkedHashMap<>();
        m.put("adder_64.txt", () -> BristolWriter.toFashion(StandardCircuits.adder(64)));
        m.put("adder_32_classic.txt", () -> BristolWriter.toClassic(StandardCircuits.adder(32)));
        m.put("less_than_32.txt", () -> BristolWriter.toFashion(StandardCircuits.lessThan(32)));
        m.put("multiplier_32.txt", () -> BristolWriter.toFashion(StandardCircuits.multiplier(32)));
        m.put("aes_128.txt", () -> BristolWriter.toFashion(StandardCircuits.aes128()));
        return m;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "angler-mpc/src/test/resources/circuits");
        Files.createDirectories(dir);
        for (Map.Entry<String, Supplier<String>> e : files().entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue().get(), StandardCharsets.US_ASCII);
            System.out.println("wrote " + dir.resolve(e.getKey()));
        }
    }

    private StandardCircuitFiles() {
    }
}
