package io.angler.mpc.circuit;

import java.util.ArrayList;
import java.util.List;

/**
 * Bits as '0'/'1' strings, the form of {@code angler mpc eval --input P=BITS} and of its outputs.
 *
 * <p>Character k of a party's input string is the value of its k-th input wire, in the circuit's
 * wire order ({@link Circuit#inputs(int)}). No bit order is imposed on top of the file's: for
 * circuits built here integers are least significant bit first, so the decimal 6 in 4 bits is
 * {@code 0110} read as wire 0 = 0, wire 1 = 1, wire 2 = 1, wire 3 = 0. Outputs are one string per
 * output value, character k being the value's k-th output wire.
 */
public final class BitStrings {
    private BitStrings() {
    }

    /**
     * Parses a string of '0' and '1'.
     *
     * @param what names the string in the error message, e.g. "party 2's input"
     */
    public static boolean[] parse(String bits, String what) {
        boolean[] r = new boolean[bits.length()];
        for (int i = 0; i < bits.length(); i++) {
            char c = bits.charAt(i);
            if (c != '0' && c != '1') {
                throw new IllegalArgumentException(what + ": character " + (i + 1) + " is '" + c
                        + "', but bits are written as 0 and 1 only");
            }
            r[i] = c == '1';
        }
        return r;
    }

    /** Parses a party's input and checks it has as many bits as the party has input wires. */
    public static boolean[] parseInput(Circuit c, int party, String bits, String what) {
        boolean[] r = parse(bits, what);
        if (r.length != c.inputBits(party)) {
            throw new IllegalArgumentException(what + ": has " + r.length + " bits but the circuit expects "
                    + c.inputBits(party));
        }
        return r;
    }

    public static String format(boolean[] bits) {
        StringBuilder sb = new StringBuilder(bits.length);
        for (boolean b : bits) {
            sb.append(b ? '1' : '0');
        }
        return sb.toString();
    }

    /** Splits a circuit's output bits into its output values, one string each, in order. */
    public static List<String> outputValues(Circuit c, boolean[] outputs) {
        if (outputs.length != c.outputBits()) {
            throw new IllegalArgumentException("outputs: got " + outputs.length + " bits, the circuit has "
                    + c.outputBits());
        }
        List<String> values = new ArrayList<>();
        int k = 0;
        for (int w : c.outputWidths()) {
            StringBuilder sb = new StringBuilder(w);
            for (int i = 0; i < w; i++) {
                sb.append(outputs[k++] ? '1' : '0');
            }
            values.add(sb.toString());
        }
        return values;
    }

    /** The {@code bits}-bit unsigned value as a string, least significant bit first. */
    public static String ofValue(long value, int bits) {
        StringBuilder sb = new StringBuilder(bits);
        for (int i = 0; i < bits; i++) {
            sb.append(i < 64 && ((value >>> i) & 1) != 0 ? '1' : '0');
        }
        return sb.toString();
    }

    /** The unsigned value of a string written least significant bit first (at most 64 bits). */
    public static long toValue(String bits) {
        if (bits.length() > 64) {
            throw new IllegalArgumentException("a value of " + bits.length() + " bits does not fit in 64");
        }
        boolean[] b = parse(bits, "value");
        long v = 0;
        for (int i = 0; i < b.length; i++) {
            v |= (b[i] ? 1L : 0L) << i;
        }
        return v;
    }
}
