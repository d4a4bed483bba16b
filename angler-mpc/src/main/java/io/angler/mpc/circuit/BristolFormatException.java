package io.angler.mpc.circuit;

/**
 * A Bristol circuit file that cannot be read. The message names the file, the line and the
 * problem, e.g. {@code adder.txt line 7: gate reads wire 50 before it is defined}.
 */
public final class BristolFormatException extends IllegalArgumentException {
    private final int line;

    public BristolFormatException(String source, int line, String problem) {
        super(source + (line > 0 ? " line " + line : "") + ": " + problem);
        this.line = line;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }
}
