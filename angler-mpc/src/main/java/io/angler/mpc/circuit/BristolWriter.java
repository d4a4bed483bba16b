package io.angler.mpc.circuit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a {@link Circuit} as a Bristol file, so circuits built here can be exported and read back
 * (by {@link BristolReader} or any other Bristol tool).
 *
 * <p>Bristol numbers wires in a fixed layout: the input wires first (party slot 0's, then slot 1's,
 * ...; one input value per party), the output wires last, in output order. The writer renumbers the
 * circuit's wires to fit: a gate whose wire is an output gets that output's number; an output that
 * is an input wire, or a wire already used by an earlier output, is copied with an {@code EQW}
 * gate in Bristol Fashion, two INV gates in classic Bristol. Circuits made by {@link CircuitBuilder}
 * need no copies except in those cases, so their files hold only XOR, AND and INV gates.
 */
public final class BristolWriter {
    private BristolWriter() {
    }

    /** The circuit in Bristol Fashion: one input value per party slot, the circuit's output values. */
    public static String toFashion(Circuit c) {
        StringWriter w = new StringWriter();
        try {
            write(c, w, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /**
     * The circuit in classic Bristol: exactly two party slots and one output value of all the
     * output bits (classic Bristol cannot say more).
     */
    public static String toClassic(Circuit c) {
        if (c.parties() != 2) {
            throw new IllegalArgumentException("classic Bristol holds exactly two parties' inputs, the circuit has "
                    + c.parties() + " party slots");
        }
        StringWriter w = new StringWriter();
        try {
            write(c, w, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static void writeFashion(Circuit c, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            write(c, w, false);
        }
    }

    private static void write(Circuit c, Writer out, boolean classic) throws IOException {
        int[] number = new int[c.wires()];
        Arrays.fill(number, -1);
        int next = 0;
        int inputBits = 0;
        for (int p = 0; p < c.parties(); p++) {
            for (int w : c.inputs(p)) {
                number[w] = next++;
            }
            inputBits += c.inputBits(p);
        }
        // Which gate writes each wire, to give output-producing gates the output numbers.
        int[] writer = new int[c.wires()];
        Arrays.fill(writer, -1);
        for (int g = 0; g < c.gates(); g++) {
            writer[c.out(g)] = g;
        }
        int[] outputs = c.outputs();
        int total = inputBits + c.gates();
        boolean[] claimed = new boolean[c.gates()];
        int[] copyOf = new int[outputs.length]; // circuit wire to copy into output i, or -1
        Arrays.fill(copyOf, -1);
        int copies = 0;
        for (int i = 0; i < outputs.length; i++) {
            int g = writer[outputs[i]];
            if (g >= 0 && !claimed[g]) {
                claimed[g] = true;
            } else {
                copyOf[i] = outputs[i];
                copies++;
            }
        }
        // Classic Bristol has no EQW: there a copy is two INV gates through a middle wire.
        int wires = total + copies + (classic ? copies : 0);
        int firstOutput = wires - outputs.length;
        int[] gateNumber = new int[c.gates()];
        for (int i = 0; i < outputs.length; i++) {
            if (copyOf[i] < 0) {
                gateNumber[writer[outputs[i]]] = firstOutput + i;
            }
        }
        for (int g = 0; g < c.gates(); g++) {
            if (!claimed[g]) {
                gateNumber[g] = next++;
            }
        }

        StringBuilder sb = new StringBuilder();
        sb.append(c.gates() + (classic ? 2 * copies : copies)).append(' ').append(wires).append('\n');
        if (classic) {
            sb.append(c.inputBits(0)).append(' ').append(c.inputBits(1)).append(' ').append(outputs.length);
            sb.append('\n');
        } else {
            sb.append(c.parties());
            for (int p = 0; p < c.parties(); p++) {
                sb.append(' ').append(c.inputBits(p));
            }
            sb.append('\n');
            int[] ow = c.outputWidths();
            sb.append(ow.length);
            for (int w : ow) {
                sb.append(' ').append(w);
            }
            sb.append('\n');
        }
        sb.append('\n');
        out.write(sb.toString());
        sb.setLength(0);
        for (int g = 0; g < c.gates(); g++) {
            int o = gateNumber[g];
            switch (c.type(g)) {
                case Circuit.XOR, Circuit.AND -> sb.append("2 1 ").append(number[c.in0(g)]).append(' ')
                        .append(number[c.in1(g)]).append(' ').append(o)
                        .append(c.type(g) == Circuit.XOR ? " XOR\n" : " AND\n");
                default -> sb.append("1 1 ").append(number[c.in0(g)]).append(' ').append(o).append(" INV\n");
            }
            number[c.out(g)] = o;
            if (sb.length() > 1 << 16) {
                out.write(sb.toString());
                sb.setLength(0);
            }
        }
        for (int i = 0; i < outputs.length; i++) {
            if (copyOf[i] >= 0 && classic) {
                int middle = next++;
                sb.append("1 1 ").append(number[copyOf[i]]).append(' ').append(middle).append(" INV\n");
                sb.append("1 1 ").append(middle).append(' ').append(firstOutput + i).append(" INV\n");
            } else if (copyOf[i] >= 0) {
                sb.append("1 1 ").append(number[copyOf[i]]).append(' ').append(firstOutput + i).append(" EQW\n");
            }
        }
        out.write(sb.toString());
    }
}
