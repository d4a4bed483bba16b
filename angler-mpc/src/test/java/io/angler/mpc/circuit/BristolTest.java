package io.angler.mpc.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BristolTest {

    // ---- reading well-formed files ----

    /**
     * A 2-bit adder mod 4 in Bristol Fashion. Party 1's a = (wire 0, wire 1), party 2's b = (wire 2,
     * wire 3), least significant bit first; the output value is the last two wires (6, 7) = the sum's
     * bits 0 and 1.
     */
    static final String ADDER2 = """
            4 8
            2 2 2
            1 2

            2 1 0 2 4 AND
            2 1 1 3 5 XOR
            2 1 0 2 6 XOR
            2 1 5 4 7 XOR
            """;

    @Test
    void readsBristolFashion() {
        Circuit c = BristolReader.parse(ADDER2, "adder2");
        assertThat(c.parties()).isEqualTo(2);
        assertThat(c.outputWidths()).containsExactly(2);
        assertThat(c.andGates()).isEqualTo(1);
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                boolean[] out = c.evaluate(new boolean[][] {bits(a, 2), bits(b, 2)});
                assertThat(out).as("%d + %d", a, b).containsExactly(bits((a + b) & 3, 2));
                assertThat(BitStrings.outputValues(c, out)).containsExactly(BitStrings.ofValue((a + b) & 3, 2));
            }
        }
    }

    @Test
    void readsClassicBristolWithTwoPartiesAndOneOutputValue() {
        String classic = """
                3 6
                2 1 1

                2 1 0 1 3 AND
                1 1 3 4 INV
                2 1 4 2 5 XOR
                """;
        Circuit c = BristolReader.parse(classic, "classic");
        assertThat(c.inputBits(0)).isEqualTo(2);
        assertThat(c.inputBits(1)).isEqualTo(1);
        for (int v = 0; v < 8; v++) {
            boolean x0 = (v & 1) != 0;
            boolean x1 = (v & 2) != 0;
            boolean y = (v & 4) != 0;
            assertThat(c.evaluate(new boolean[][] {{x0, x1}, {y}})).containsExactly(!(x0 && x1) ^ y);
        }
    }

    @Test
    void foldsEqConstantsAliasesEqwAndSplitsMand() {
        String text = """
                5 9
                1 2
                2 2 1

                1 1 1 2 EQ
                1 1 0 3 EQW
                4 2 0 1 3 2 4 5 MAND
                2 1 4 5 6 XOR
                1 1 6 7 NOT
                """;
        // wires: 2 = 1, 3 = x0, 4 = x0 & x0 = x0, 5 = x1 & 1 = x1, 6 = x0 ^ x1, 7 = !(x0 ^ x1);
        // wire 8 is never defined, so the header's 9 wires are wrong: first check that error...
        assertThatThrownBy(() -> BristolReader.parse(text, "t")).hasMessageContaining("wire 8 is never defined");
        // ...then the same circuit with the right count: outputs are wires 6 and 7.
        Circuit c = BristolReader.parse(text.replace("5 9", "5 8").replace("2 2 1", "1 2"), "t");
        for (int v = 0; v < 4; v++) {
            boolean x0 = (v & 1) != 0;
            boolean x1 = (v & 2) != 0;
            assertThat(c.evaluate(new boolean[][] {{x0, x1}})).containsExactly(x0 ^ x1, !(x0 ^ x1));
        }
        assertThat(c.andGates()).as("the AND with a constant and the AND of a wire with itself fold away").isZero();
    }

    @Test
    void constantOutputsAreMaterialised() {
        Circuit c = BristolReader.parse("""
                3 4
                1 1
                1 3

                1 1 1 1 EQ
                1 1 0 2 EQ
                2 1 0 0 3 AND
                """, "t");
        assertThat(c.evaluate(new boolean[][] {{true}})).containsExactly(true, false, true);
        assertThat(c.evaluate(new boolean[][] {{false}})).containsExactly(true, false, false);
    }

    @Test
    void toleratesCrlfTabsAndBlankLines() {
        String text = "4 8\r\n2 2 2\r\n\r\n1 2\r\n\r\n2 1 0 2 4 AND\r\n\t2 1 1 3 5 XOR \r\n\r\n2 1 0 2 6 XOR\r\n"
                + "2 1 5  4 7 XOR";
        Circuit c = BristolReader.parse(text, "crlf");
        Circuit ref = BristolReader.parse(ADDER2, "adder2");
        for (int v = 0; v < 16; v++) {
            boolean[][] in = {bits(v & 3, 2), bits(v >> 2, 2)};
            assertThat(c.evaluate(in)).containsExactly(ref.evaluate(in));
        }
    }

    @Test
    void readsFilesFromDiskAndPadsParties(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("adder2.txt");
        Files.writeString(f, ADDER2);
        Circuit c = BristolReader.read(f);
        assertThat(c.parties()).isEqualTo(2);
        Circuit five = c.withParties(5);
        assertThat(five.parties()).isEqualTo(5);
        assertThat(five.inputBits(4)).isZero();
        assertThat(five.evaluate(new boolean[][] {bits(3, 2), bits(1, 2), {}, {}, {}}))
                .containsExactly(c.evaluate(new boolean[][] {bits(3, 2), bits(1, 2)}));
        assertThatThrownBy(() -> c.withParties(1)).hasMessageContaining("cannot shrink");
    }

    // ---- malformed files: each problem with its message ----

    private static void rejects(String text, String message) {
        assertThatThrownBy(() -> BristolReader.parse(text, "bad.txt"))
                .isInstanceOf(BristolFormatException.class)
                .hasMessageStartingWith("bad.txt")
                .hasMessageContaining(message);
    }

    /** A Bristol Fashion header declaring {@code gates} gates over 8 wires, inputs 0-3, outputs 6-7. */
    private static String head(int gates) {
        return gates + " 8\n2 2 2\n1 2\n\n";
    }

    private static final String HEAD = head(1);

    @Test
    void rejectsBadHeaders() {
        rejects("", "the file is empty");
        rejects("\n\n  \n", "the file is empty");
        rejects("4 8 1\n2 2 2\n1 2\n", "the first line must be 'GATES WIRES'");
        rejects("x 8\n2 2 2\n1 2\n", "gate count 'x' is not a whole number");
        rejects("4 -8\n2 2 2\n1 2\n", "wire count '-8' is not a whole number");
        rejects("4 0\n2 2 2\n1 2\n", "declares 0 wires");
        rejects("4 99999999999\n2 2 2\n1 2\n", "wire count 99999999999 is absurdly large");
        rejects("4 2000000000\n2 2 2\n1 2\n", "more than the limit of 10000000");
        rejects("20000000 8\n2 2 2\n1 2\n", "20000000 gates, more than the limit");
        rejects("9000 9008\n2 2 2\n1 2\n\n2 1 0 2 4 XOR\n", "a file of 35 characters can hold at most 3");
        rejects("1 9000000\n2 2 2\n1 2\n\n2 1 0 2 4 XOR\n", "can define at most");
        rejects("0 8\n", "the file ends after the first line");
        rejects("0 8\n1 2\n", "the file ends before the output counts");
        rejects("0 8\n3 2 2\n1 2\n", "declares 3 input values but gives 2 widths");
        rejects("0 8\n0\n1 2\n", "at least one input value");
        rejects("0 8\n2 2 2\n2 2\n", "declares 2 output values but gives 1 widths");
        rejects("0 8\n2 2 2\n2 2 0\n", "output value 2 has width 0");
        rejects("0 8\n2 6 6\n1 2\n", "the inputs take 12 wires but the header declares only 8");
        rejects("0 8\n2 2 2\n1 9\n", "the outputs take 9 wires but the header declares only 8");
        rejects("0 8\n65" + " 0".repeat(65) + "\n1 2\n", "65 input values is more than the limit of 64");
        rejects("0 8\n2 2 x\n1 2\n", "width of input value 2 'x' is not a whole number");
    }

    @Test
    void rejectsWrongGateAndWireCounts() {
        rejects(head(4) + "2 1 0 2 4 XOR\n2 1 0 2 5 AND\n2 1 1 3 7 XOR\n", "the file ends after 3 of the 4 gates");
        rejects(head(4) + "2 1 0 2 4 XOR\n2 1 0 2 5 AND\n2 1 1 3 7 XOR\n2 1 7 5 6 XOR\n2 1 7 5 6 XOR\n",
                "line 9: more gate lines than the 4 the header declares");
        rejects("3 8\n2 2 2\n1 2\n\n2 1 0 2 4 XOR\n2 1 0 2 5 AND\n2 1 1 3 7 XOR\n",
                "declares 8 wires but the file defines 7; wire 6 is never defined");
    }

    @Test
    void rejectsBadGates() {
        rejects(HEAD + "2 1 0 2 4 NAND\n", "line 5: unknown gate type 'NAND'");
        rejects(HEAD + "2 1 0 2 4 xor\n", "unknown gate type 'xor'");
        rejects(HEAD + "1 1 0 4 XOR\n", "a XOR gate has 2 inputs and 1 output, this one declares 1 and 1");
        rejects(HEAD + "2 1 0 2 4 INV\n", "a INV gate has 1 input and 1 output, this one declares 2 and 1");
        rejects(HEAD + "2 1 0 4 XOR\n", "the gate declares 2 inputs and 1 outputs but lists 2 wires");
        rejects(HEAD + "3 1 0 1 2 4 MAND\n", "a MAND gate takes 2k inputs and k outputs");
        rejects(HEAD + "2 1 XOR\n", "a gate line is 'NIN NOUT IN... OUT... TYPE'");
        rejects(HEAD + "1 1 7 4 EQ\n", "an EQ gate assigns the constant 0 or 1, found '7'");
        rejects(HEAD + "2 1 0 a 4 XOR\n", "line 5: 'a' is not a wire number");
        rejects(HEAD + "2 1 0 -2 4 XOR\n", "'-2' is not a wire number");
        rejects(HEAD + "2 1 0 99 4 XOR\n", "wire 99 is outside 0..7 (the header declares 8 wires)");
        rejects(HEAD + "2 1 0 99999999999999 4 XOR\n", "is outside 0..7");
        rejects(HEAD + "x 1 0 1 4 XOR\n", "input count 'x' is not a whole number");
    }

    @Test
    void rejectsUndefinedWiresDoubleDefinitionsAndCycles() {
        rejects(HEAD + "2 1 0 5 4 XOR\n", "line 5: the gate reads wire 5 before it is defined");
        rejects(head(2) + "2 1 0 2 4 XOR\n2 1 0 2 4 AND\n", "line 6: the gate writes wire 4, which is already defined"
                + " (by an earlier gate)");
        rejects(HEAD + "2 1 0 2 1 XOR\n", "the gate writes wire 1, which is already defined (it is an input wire)");
        // a cycle: 4 reads 5, 5 reads 4
        rejects(head(2) + "2 1 0 5 4 XOR\n2 1 4 1 5 AND\n", "reads wire 5 before it is defined (an undefined wire, or"
                + " gates out of order: a cycle)");
        // a gate reading its own output
        rejects(HEAD + "2 1 4 0 4 XOR\n", "reads wire 4 before it is defined");
        rejects(HEAD + "4 2 0 1 2 3 4 4 MAND\n", "writes wire 4, which is already defined");
    }

    @Test
    void rejectsOverlongLines() throws IOException {
        String longLine = HEAD + "2 1 0 2 4 XOR" + " ".repeat(100) + "\n";
        assertThatThrownBy(() -> BristolReader.read(new StringReader(longLine), longLine.length(), "long.txt",
                BristolReader.Format.AUTO, new BristolReader.Limits(100, 100, 64)))
                .isInstanceOf(BristolFormatException.class)
                .hasMessageContaining("long.txt line 5: the line is longer than 64 characters");
    }

    @Test
    void explicitFormatOverridesDetection() throws IOException {
        String classic = "1 3\n1 1 1\n\n2 1 0 1 2 AND\n";
        assertThatThrownBy(() -> BristolReader.read(new StringReader(classic), -1, "c.txt",
                BristolReader.Format.FASHION, BristolReader.Limits.DEFAULT))
                .hasMessageContaining("line 2: the line declares 1 input values but gives 2 widths");
        assertThatThrownBy(() -> BristolReader.read(new StringReader(ADDER2), -1, "f.txt",
                BristolReader.Format.CLASSIC, BristolReader.Limits.DEFAULT))
                .hasMessageContaining("line 3: a gate line is 'NIN NOUT IN... OUT... TYPE', found '1 2'");
        Circuit c = BristolReader.read(new StringReader(classic), -1, "c.txt", BristolReader.Format.CLASSIC,
                BristolReader.Limits.DEFAULT);
        assertThat(c.evaluate(new boolean[][] {{true}, {true}})).containsExactly(true);
    }

    // ---- writing and round trips ----

    @Test
    void randomCircuitsRoundTripThroughBothDialects() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            Circuit c = randomCircuit(rnd);
            String fashion = BristolWriter.toFashion(c);
            Circuit back = BristolReader.parse(fashion, "round trip " + round);
            assertSameFunction(c, back, rnd);
            assertThat(back.andGates()).isEqualTo(c.andGates());
            assertThat(back.outputWidths()).containsExactly(c.outputWidths());
            // writing what we read gives the same text: the format is stable
            assertThat(BristolWriter.toFashion(back)).isEqualTo(fashion);
            if (c.parties() == 2) {
                Circuit classic = BristolReader.parse(BristolWriter.toClassic(c), "classic " + round);
                assertSameFunction(c, classic, rnd);
                assertThat(classic.outputWidths()).containsExactly(c.outputBits());
            }
        }
    }

    @Test
    void writerPutsOutputsLastAndCopiesOnlyWhenNeeded() {
        CircuitBuilder b = new CircuitBuilder(2);
        int[] x = b.input(0, 2);
        int[] y = b.input(1, 1);
        int s = b.xor(x[0], y[0]);
        int a = b.and(x[1], s);
        b.output(a, s);
        Circuit plain = b.build();
        String text = BristolWriter.toFashion(plain);
        assertThat(text).startsWith("2 5\n2 2 1\n1 2\n\n").doesNotContain("EQW");
        assertThat(text).contains("2 1 0 2 4 XOR").contains("2 1 1 4 3 AND");

        b.output(x[0], s); // an input wire and a repeated wire as outputs need copies
        Circuit copies = b.build();
        String t2 = BristolWriter.toFashion(copies);
        assertThat(t2).startsWith("4 7\n2 2 1\n2 2 2\n\n").contains("1 1 0 5 EQW").contains("1 1 4 6 EQW");
        String classic = BristolWriter.toClassic(copies);
        assertThat(classic).startsWith("6 9\n2 1 4\n\n").doesNotContain("EQW");
        SplittableRandom rnd = new SplittableRandom(1);
        assertSameFunction(copies, BristolReader.parse(t2, "t2"), rnd);
        assertSameFunction(copies, BristolReader.parse(classic, "classic"), rnd);
        assertThatThrownBy(() -> BristolWriter.toClassic(copies.withParties(3)))
                .hasMessageContaining("exactly two parties");
    }

    @Test
    void writesFilesToDisk(@TempDir Path dir) throws IOException {
        Circuit c = StandardCircuits.adder(16);
        Path f = dir.resolve("adder16.txt");
        BristolWriter.writeFashion(c, f);
        assertThat(Files.readString(f)).isEqualTo(BristolWriter.toFashion(c));
        StandardCircuitFilesTest.checkTwoInput(BristolReader.read(f), 16, 16, Long::sum);
    }

    /** A random circuit: 1-4 parties, random gates over defined wires, outputs anywhere (inputs, repeats, constants). */
    static Circuit randomCircuit(SplittableRandom rnd) {
        int parties = 1 + rnd.nextInt(4);
        CircuitBuilder b = new CircuitBuilder(parties);
        java.util.List<Integer> wires = new java.util.ArrayList<>();
        for (int p = 0; p < parties; p++) {
            for (int w : b.input(p, 1 + rnd.nextInt(5))) {
                wires.add(w);
            }
        }
        int gates = rnd.nextInt(40);
        for (int g = 0; g < gates; g++) {
            int x = wires.get(rnd.nextInt(wires.size()));
            int y = wires.get(rnd.nextInt(wires.size()));
            int w = switch (rnd.nextInt(3)) {
                case 0 -> b.xor(x, y);
                case 1 -> b.and(x, y);
                default -> b.not(x);
            };
            if (!CircuitBuilder.isConstant(w)) {
                wires.add(w);
            }
        }
        int values = 1 + rnd.nextInt(3);
        for (int v = 0; v < values; v++) {
            int[] bits = new int[1 + rnd.nextInt(4)];
            for (int i = 0; i < bits.length; i++) {
                int pick = rnd.nextInt(10);
                bits[i] = pick == 0 ? CircuitBuilder.ZERO : pick == 1 ? CircuitBuilder.ONE
                        : wires.get(rnd.nextInt(wires.size()));
            }
            b.output(bits);
        }
        return b.build();
    }

    static void assertSameFunction(Circuit a, Circuit b, SplittableRandom rnd) {
        assertThat(b.parties()).isEqualTo(a.parties());
        long[][] lanes = new long[a.parties()][];
        for (int p = 0; p < a.parties(); p++) {
            assertThat(b.inputBits(p)).isEqualTo(a.inputBits(p));
            lanes[p] = new long[a.inputBits(p)];
            for (int i = 0; i < lanes[p].length; i++) {
                lanes[p][i] = rnd.nextLong();
            }
        }
        assertThat(b.evaluate64(lanes)).containsExactly(a.evaluate64(lanes));
    }

    static boolean[] bits(long v, int n) {
        boolean[] r = new boolean[n];
        for (int i = 0; i < n; i++) {
            r[i] = ((v >>> i) & 1) != 0;
        }
        return r;
    }
}
