package io.angler.mpc.circuit;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads Bristol circuit files, classic and Bristol Fashion, into a {@link Circuit}.
 *
 * <p>Classic Bristol: a line {@code GATES WIRES}, a line {@code N1 N2 N3} (input bits of party 1,
 * input bits of party 2, output bits), then one line per gate. Bristol Fashion: {@code GATES WIRES},
 * {@code NIV W1 .. WNIV} (input values and their widths; the j-th value belongs to party j),
 * {@code NOV W1 .. WNOV} (output values and their widths), then the gates. In both, the input wires
 * are the first wires, in order (party 1's, then party 2's, ...), and the outputs are the last
 * wires, in order. A gate line is {@code NIN NOUT IN... OUT... TYPE}.
 *
 * <p>Gates: {@code XOR}, {@code AND}, {@code INV} (also {@code NOT}), {@code EQ} ({@code 1 1 c w EQ}
 * sets wire w to the constant c, which is folded into the gates that read it: constants never
 * become inputs), {@code EQW} ({@code 1 1 a w EQW} makes w a copy of a: an alias, no gate) and
 * {@code MAND} ({@code 2k k a1..ak b1..bk o1..ok MAND}, split into k ANDs {@code oi = ai AND bi}).
 *
 * <p>Party {@code j} of the file (1-based) becomes input slot {@code j - 1} of the circuit. The
 * circuit is rebuilt through {@link CircuitBuilder}, so its wire numbers differ from the file's
 * and constant gates are folded; its behaviour is the file's.
 *
 * <p>Every malformed file is rejected with a {@link BristolFormatException} naming the line and the
 * problem: wrong counts, undefined wires, wires defined twice, gates out of order (a cycle or a use
 * before definition), unknown gates, bad arity, bad numbers, truncated files. Memory stays bounded:
 * header counts beyond {@link Limits} or beyond what the file's size can hold are rejected before
 * anything is allocated, and lines are read with a length cap.
 */
public final class BristolReader {
    /** Which dialect a file is written in. */
    public enum Format {
        /** Decide from the third line: a gate line means classic, a count line means Fashion. */
        AUTO,
        CLASSIC,
        FASHION
    }

    /**
     * Caps that keep memory bounded whatever a header claims.
     *
     * @param maxWires most wires a file may declare
     * @param maxGates most gate lines a file may declare
     * @param maxLineChars longest line accepted (MAND gates make long lines)
     */
    public record Limits(int maxWires, int maxGates, int maxLineChars) {
        /** Ten million wires and gates (about 300 MB while reading), lines up to 1 MiB. */
        public static final Limits DEFAULT = new Limits(10_000_000, 10_000_000, 1 << 20);

        public Limits {
            if (maxWires < 1 || maxGates < 0 || maxLineChars < 16) {
                throw new IllegalArgumentException("bristol limits: " + maxWires + " wires, " + maxGates + " gates, "
                        + maxLineChars + " characters per line are not sensible");
            }
        }
    }

    /** Shortest possible gate line, {@code 1 1 0 1 EQ}, plus its newline. */
    private static final int MIN_GATE_CHARS = 11;
    /** Every wire a gate defines costs at least a digit and a separator in the file. */
    private static final int MIN_WIRE_CHARS = 2;
    private static final int UNDEFINED = Integer.MIN_VALUE;

    private final String source;
    private final Limits limits;
    private final long size;
    private final Lines lines;

    private BristolReader(Reader in, long size, String source, Limits limits) {
        this.source = source;
        this.limits = limits;
        this.size = size;
        this.lines = new Lines(in, limits.maxLineChars());
    }

    /** Reads a file in either dialect with the default limits. */
    public static Circuit read(Path file) throws IOException {
        return read(file, Format.AUTO, Limits.DEFAULT);
    }

    public static Circuit read(Path file, Format format, Limits limits) throws IOException {
        long size = Files.size(file);
        // ISO-8859-1 maps every byte to one character: stray bytes become bad tokens, not decoder errors.
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            return read(in, size, String.valueOf(file.getFileName()), format, limits);
        }
    }

    /** Reads a circuit held in a string; {@code source} names it in error messages. */
    public static Circuit parse(String text, String source) {
        try {
            return read(new StringReader(text), text.length(), source, Format.AUTO, Limits.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /**
     * Reads a circuit from a character stream.
     *
     * @param size the stream's length in characters if known (bounds the header's claims), else -1
     * @param source a name for error messages
     */
    public static Circuit read(Reader in, long size, String source, Format format, Limits limits) throws IOException {
        return new BristolReader(in, size, source, limits).read(format);
    }

    private Circuit read(Format format) throws IOException {
        String[] first = lines.nextNonBlank();
        if (first == null) {
            throw error(0, "the file is empty (expected a line 'GATES WIRES')");
        }
        int headerLine = lines.number();
        if (first.length != 2) {
            throw error(headerLine, "the first line must be 'GATES WIRES', found '" + String.join(" ", first) + "'");
        }
        int gates = count(first[0], "gate count", headerLine);
        int wires = count(first[1], "wire count", headerLine);
        if (wires < 1) {
            throw error(headerLine, "the header declares " + wires + " wires; a circuit needs at least one");
        }
        if (gates > limits.maxGates()) {
            throw error(headerLine, "the header declares " + gates + " gates, more than the limit of "
                    + limits.maxGates());
        }
        if (wires > limits.maxWires()) {
            throw error(headerLine, "the header declares " + wires + " wires, more than the limit of "
                    + limits.maxWires());
        }
        if (size >= 0 && gates > (size + 1) / MIN_GATE_CHARS) {
            throw error(headerLine, "the header declares " + gates + " gates, but a file of " + size
                    + " characters can hold at most " + (size + 1) / MIN_GATE_CHARS);
        }

        String[] second = lines.nextNonBlank();
        if (second == null) {
            throw error(0, "the file ends after the first line (expected the input counts)");
        }
        int secondLine = lines.number();
        Format dialect = format;
        if (dialect == Format.AUTO) {
            String[] third = lines.peekNonBlank();
            boolean gateNext = third == null || !isNumber(third[third.length - 1]);
            dialect = second.length == 3 && gateNext ? Format.CLASSIC : Format.FASHION;
        }
        int[] inputWidths;
        int[] outputWidths;
        if (dialect == Format.CLASSIC) {
            if (second.length != 3) {
                throw error(secondLine, "a classic Bristol file's second line must be 'N1 N2 N3' (input bits of"
                        + " party 1, of party 2, output bits), found '" + String.join(" ", second) + "'");
            }
            inputWidths = new int[] {count(second[0], "party 1's input bits", secondLine),
                    count(second[1], "party 2's input bits", secondLine)};
            outputWidths = new int[] {count(second[2], "output bits", secondLine)};
        } else {
            inputWidths = widths(second, secondLine, "input", OutputPlan.MAX_PARTIES);
            String[] third = lines.nextNonBlank();
            if (third == null) {
                throw error(0, "the file ends before the output counts (a Bristol Fashion file's third line is"
                        + " 'NOV W1 .. WNOV')");
            }
            outputWidths = widths(third, lines.number(), "output", Integer.MAX_VALUE);
        }
        long inputBits = sum(inputWidths);
        long outputBits = sum(outputWidths);
        for (int i = 0; i < outputWidths.length; i++) {
            if (outputWidths[i] < 1) {
                throw error(0, "output value " + (i + 1) + " has width 0; every output value needs a bit");
            }
        }
        if (inputBits > wires) {
            throw error(0, "the inputs take " + inputBits + " wires but the header declares only " + wires);
        }
        if (outputBits > wires) {
            throw error(0, "the outputs take " + outputBits + " wires but the header declares only " + wires);
        }
        if (size >= 0 && wires - inputBits > size / MIN_WIRE_CHARS) {
            throw error(headerLine, "the header declares " + wires + " wires, but a file of " + size
                    + " characters can define at most " + (inputBits + size / MIN_WIRE_CHARS));
        }
        return readGates(gates, wires, inputWidths, outputWidths);
    }

    private Circuit readGates(int gates, int wires, int[] inputWidths, int[] outputWidths) throws IOException {
        CircuitBuilder b = new CircuitBuilder(inputWidths.length);
        int[] map = new int[wires];
        Arrays.fill(map, UNDEFINED);
        int next = 0;
        for (int p = 0; p < inputWidths.length; p++) {
            for (int w : b.input(p, inputWidths[p])) {
                map[next++] = w;
            }
        }
        int inputWires = next;
        long defined = next;
        for (int g = 0; g < gates; g++) {
            String[] t = lines.nextNonBlank();
            if (t == null) {
                throw error(0, "the file ends after " + g + " of the " + gates
                        + " gates the header declares (truncated?)");
            }
            int line = lines.number();
            if (t.length < 4) {
                throw error(line, "a gate line is 'NIN NOUT IN... OUT... TYPE', found '" + String.join(" ", t) + "'");
            }
            int nin = count(t[0], "input count", line);
            int nout = count(t[1], "output count", line);
            String type = t[t.length - 1];
            if ((long) nin + nout + 3 != t.length) {
                throw error(line, "the gate declares " + nin + " inputs and " + nout + " outputs but lists "
                        + (t.length - 3) + " wires");
            }
            switch (type) {
                case "XOR", "AND" -> {
                    arity(type, nin, nout, 2, 1, line);
                    int x = read(t[2], wires, map, line);
                    int y = read(t[3], wires, map, line);
                    define(t[4], type.equals("XOR") ? b.xor(x, y) : b.and(x, y), wires, map, inputWires, line);
                }
                case "INV", "NOT" -> {
                    arity(type, nin, nout, 1, 1, line);
                    define(t[3], b.not(read(t[2], wires, map, line)), wires, map, inputWires, line);
                }
                case "EQ" -> {
                    arity(type, nin, nout, 1, 1, line);
                    int c = switch (t[2]) {
                        case "0" -> CircuitBuilder.ZERO;
                        case "1" -> CircuitBuilder.ONE;
                        default -> throw error(line, "an EQ gate assigns the constant 0 or 1, found '" + t[2] + "'");
                    };
                    define(t[3], c, wires, map, inputWires, line);
                }
                case "EQW" -> {
                    arity(type, nin, nout, 1, 1, line);
                    define(t[3], read(t[2], wires, map, line), wires, map, inputWires, line);
                }
                case "MAND" -> {
                    if (nout < 1 || nin != 2 * nout) {
                        throw error(line, "a MAND gate takes 2k inputs and k outputs (k >= 1), this one has " + nin
                                + " inputs and " + nout + " outputs");
                    }
                    int[] r = new int[nout];
                    for (int i = 0; i < nout; i++) {
                        r[i] = b.and(read(t[2 + i], wires, map, line), read(t[2 + nout + i], wires, map, line));
                    }
                    for (int i = 0; i < nout; i++) {
                        define(t[2 + nin + i], r[i], wires, map, inputWires, line);
                    }
                }
                default -> throw error(line, "unknown gate type '" + type
                        + "' (expected XOR, AND, INV, NOT, EQ, EQW or MAND)");
            }
            defined += nout;
        }
        String[] extra = lines.nextNonBlank();
        if (extra != null) {
            throw error(lines.number(), "more gate lines than the " + gates + " the header declares");
        }
        if (defined != wires) {
            int firstUndefined = 0;
            while (firstUndefined < wires && map[firstUndefined] != UNDEFINED) {
                firstUndefined++;
            }
            throw error(0, "the header declares " + wires + " wires but the file defines " + defined
                    + (firstUndefined < wires ? "; wire " + firstUndefined + " is never defined" : ""));
        }
        int o = wires - (int) sum(outputWidths);
        for (int width : outputWidths) {
            int[] bits = new int[width];
            for (int i = 0; i < width; i++) {
                bits[i] = map[o++];
            }
            b.output(bits);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw error(0, e.getMessage());
        }
    }

    private int read(String token, int wires, int[] map, int line) {
        int w = wire(token, wires, line);
        if (map[w] == UNDEFINED) {
            throw error(line, "the gate reads wire " + w + " before it is defined (an undefined wire, or gates out of"
                    + " order: a cycle)");
        }
        return map[w];
    }

    private void define(String token, int value, int wires, int[] map, int inputWires, int line) {
        int w = wire(token, wires, line);
        if (map[w] != UNDEFINED) {
            throw error(line, "the gate writes wire " + w + ", which is already defined"
                    + (w < inputWires ? " (it is an input wire)" : " (by an earlier gate)"));
        }
        map[w] = value;
    }

    private int wire(String token, int wires, int line) {
        if (!isNumber(token)) {
            throw error(line, "'" + token + "' is not a wire number");
        }
        if (token.length() > 10 || Long.parseLong(token) >= wires) {
            throw error(line, "wire " + token + " is outside 0.." + (wires - 1) + " (the header declares " + wires
                    + " wires)");
        }
        return Integer.parseInt(token);
    }

    private void arity(String type, int nin, int nout, int wantIn, int wantOut, int line) {
        if (nin != wantIn || nout != wantOut) {
            throw error(line, "a " + type + " gate has " + wantIn + " input" + (wantIn == 1 ? "" : "s") + " and "
                    + wantOut + " output, this one declares " + nin + " and " + nout);
        }
    }

    private int[] widths(String[] t, int line, String what, int maxValues) {
        int n = count(t[0], "number of " + what + " values", line);
        if (n < 1) {
            throw error(line, "the circuit needs at least one " + what + " value, the line declares " + n);
        }
        if (n > maxValues) {
            throw error(line, n + " " + what + " values is more than the limit of " + maxValues);
        }
        if (t.length != n + 1) {
            throw error(line, "the line declares " + n + " " + what + " values but gives " + (t.length - 1)
                    + " widths");
        }
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = count(t[i + 1], "width of " + what + " value " + (i + 1), line);
        }
        return w;
    }

    private int count(String token, String what, int line) {
        if (!isNumber(token)) {
            throw error(line, what + " '" + token + "' is not a whole number");
        }
        if (token.length() > 10 || Long.parseLong(token) > Integer.MAX_VALUE) {
            throw error(line, what + " " + token + " is absurdly large");
        }
        return Integer.parseInt(token);
    }

    private static boolean isNumber(String token) {
        if (token.isEmpty()) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long sum(int[] values) {
        long s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    private BristolFormatException error(int line, String problem) {
        return new BristolFormatException(source, line, problem);
    }

    /** Lines of a stream, split into tokens, each at most a fixed length. */
    private final class Lines {
        private final Reader in;
        private final int maxChars;
        private final char[] buf = new char[8192];
        private int pos;
        private int len;
        private int number;
        private String[] peeked;
        private int peekedNumber;

        Lines(Reader in, int maxChars) {
            this.in = in;
            this.maxChars = maxChars;
        }

        /** The line number of the line last returned by {@link #nextNonBlank()}. */
        int number() {
            return number;
        }

        String[] peekNonBlank() throws IOException {
            if (peeked == null) {
                int before = number;
                peeked = readNonBlank();
                peekedNumber = number;
                number = before;
            }
            return peeked;
        }

        String[] nextNonBlank() throws IOException {
            if (peeked != null) {
                String[] t = peeked;
                peeked = null;
                number = peekedNumber;
                return t;
            }
            return readNonBlank();
        }

        private String[] readNonBlank() throws IOException {
            String line;
            while ((line = readLine()) != null) {
                String s = line.strip();
                if (!s.isEmpty()) {
                    return s.split("\\s+");
                }
            }
            return null;
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            while (true) {
                if (pos == len) {
                    len = in.read(buf);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        if (!any) {
                            return null;
                        }
                        number++;
                        return sb.toString();
                    }
                }
                any = true;
                char c = buf[pos++];
                if (c == '\n') {
                    number++;
                    return sb.toString();
                }
                if (sb.length() >= maxChars) {
                    throw error(number + 1, "the line is longer than " + maxChars + " characters");
                }
                sb.append(c);
            }
        }
    }
}
