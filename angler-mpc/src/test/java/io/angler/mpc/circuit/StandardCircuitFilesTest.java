package io.angler.mpc.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The Bristol files in the test resources are exactly what our generators write, and they work. */
class StandardCircuitFilesTest {
    static String resource(String name) throws IOException {
        try (InputStream in = StandardCircuitFilesTest.class.getResourceAsStream("/circuits/" + name)) {
            assertThat(in).as("resource circuits/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void filesAreWhatTheGeneratorsWrite() throws IOException {
        for (Map.Entry<String, Supplier<String>> e : StandardCircuitFiles.files().entrySet()) {
            assertThat(resource(e.getKey()))
                    .as("%s differs from the generator's output: regenerate it (see StandardCircuitFiles)", e.getKey())
                    .isEqualTo(e.getValue().get());
        }
    }

    @Test
    void docsShowTheSizesTheCodeGives() throws IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "benchmarks.md"));
        Object[][] rows = {{"adder 64 (a + b mod 2^64)", StandardCircuits.adder(64)},
                {"less-than 32", StandardCircuits.lessThan(32)},
                {"multiplier 32 (a * b mod 2^32)", StandardCircuits.multiplier(32)},
                {"AES-128 (key schedule included)", StandardCircuits.aes128()}};
        for (Object[] row : rows) {
            Circuit c = (Circuit) row[1];
            assertThat(doc).contains("| " + row[0] + " | " + c.gates() + " | " + c.andGates() + " | " + c.andDepth() + " |");
        }
    }

    @Test
    void aesFileEncryptsTheFips197Vector() throws IOException {
        Circuit aes = BristolReader.parse(resource("aes_128.txt"), "aes_128.txt");
        assertThat(aes.andGates()).isEqualTo(7200);
        assertThat(Aes128Test.encryptWith(aes, Aes128Test.FIPS_KEY, Aes128Test.FIPS_PLAINTEXT))
                .isEqualTo(Aes128Test.FIPS_CIPHERTEXT);
    }

    @Test
    void arithmeticFilesComputeTheirFunctions() throws IOException {
        checkTwoInput(BristolReader.parse(resource("adder_64.txt"), "adder_64.txt"), 64, 64, Long::sum);
        checkTwoInput(BristolReader.parse(resource("adder_32_classic.txt"), "adder_32_classic.txt"), 32, 32, Long::sum);
        checkTwoInput(BristolReader.parse(resource("less_than_32.txt"), "less_than_32.txt"), 32, 1,
                (x, y) -> x < y ? 1 : 0);
        checkTwoInput(BristolReader.parse(resource("multiplier_32.txt"), "multiplier_32.txt"), 32, 32,
                (x, y) -> x * y);
    }

    /** 64 random pairs (with 0 and the maximum among them) through evaluate64 against Java arithmetic. */
    static void checkTwoInput(Circuit c, int n, int outBits, java.util.function.LongBinaryOperator f) {
        assertThat(c.parties()).isEqualTo(2);
        assertThat(c.inputBits(0)).isEqualTo(n);
        assertThat(c.outputBits()).isEqualTo(outBits);
        long mask = n == 64 ? -1L : (1L << n) - 1;
        SplittableRandom rnd = new SplittableRandom(n * 31L + outBits);
        long[] xs = new long[64];
        long[] ys = new long[64];
        long[][] lanes = {new long[n], new long[n]};
        for (int k = 0; k < 64; k++) {
            xs[k] = k == 0 ? 0 : k == 1 ? mask : rnd.nextLong() & mask;
            ys[k] = k == 2 ? 0 : k == 1 ? mask : k == 3 ? xs[k] : rnd.nextLong() & mask;
            for (int i = 0; i < n; i++) {
                lanes[0][i] |= ((xs[k] >>> i) & 1) << k;
                lanes[1][i] |= ((ys[k] >>> i) & 1) << k;
            }
        }
        long[] out = c.evaluate64(lanes);
        long outMask = outBits == 64 ? -1L : (1L << outBits) - 1;
        for (int k = 0; k < 64; k++) {
            long got = 0;
            for (int i = 0; i < outBits; i++) {
                got |= ((out[i] >>> k) & 1) << i;
            }
            long want = f.applyAsLong(xs[k], ys[k]) & outMask;
            assertThat(got).as("inputs %d, %d", xs[k], ys[k]).isEqualTo(want);
        }
    }
}
