package io.angler.mpc.circuit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds circuits from bits and unsigned integers (arrays of wires, least significant bit first).
 *
 * <p>Constants are folded as the circuit is built: {@link #ZERO} and {@link #ONE} are not wires but
 * markers, and any gate with a constant input becomes a wire, an INV or a constant. So constants
 * are hard-wired into the circuit's shape and never become a party's input. Arithmetic uses one AND
 * gate per bit for addition, subtraction, comparison and multiplexing.
 */
public final class CircuitBuilder {
    /** The constant 0 (a marker, not a wire). */
    public static final int ZERO = -1;
    /** The constant 1 (a marker, not a wire). */
    public static final int ONE = -2;

    private final int[][] inputs;
    private int wires;
    private byte[] types = new byte[1024];
    private int[] in0 = new int[1024];
    private int[] in1 = new int[1024];
    private int[] out = new int[1024];
    private int gates;
    private final List<Integer> outputs = new ArrayList<>();
    private final List<Integer> outputWidths = new ArrayList<>();

    /** A builder for a circuit with input slots for {@code parties} parties. */
    public CircuitBuilder(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("circuit builder: needs at least one party, got " + parties);
        }
        inputs = new int[parties][0];
    }

    /** Adds {@code bits} input wires for {@code party} (appended after its earlier inputs). */
    public int[] input(int party, int bits) {
        if (party < 0 || party >= inputs.length) {
            throw new IllegalArgumentException("circuit builder: party " + party + " is outside 0.." + (inputs.length - 1));
        }
        int[] w = new int[bits];
        for (int i = 0; i < bits; i++) {
            w[i] = wires++;
        }
        int[] all = Arrays.copyOf(inputs[party], inputs[party].length + bits);
        System.arraycopy(w, 0, all, inputs[party].length, bits);
        inputs[party] = all;
        return w;
    }

    public static boolean isConstant(int w) {
        return w == ZERO || w == ONE;
    }

    public static int constant(boolean bit) {
        return bit ? ONE : ZERO;
    }

    // ---- bits ----

    public int xor(int a, int b) {
        if (a == ZERO) {
            return b;
        }
        if (b == ZERO) {
            return a;
        }
        if (a == ONE) {
            return not(b);
        }
        if (b == ONE) {
            return not(a);
        }
        if (a == b) {
            return ZERO;
        }
        return gate(Circuit.XOR, a, b);
    }

    public int and(int a, int b) {
        if (a == ZERO || b == ZERO) {
            return ZERO;
        }
        if (a == ONE) {
            return b;
        }
        if (b == ONE || a == b) {
            return a;
        }
        return gate(Circuit.AND, a, b);
    }

    public int not(int a) {
        if (a == ZERO) {
            return ONE;
        }
        if (a == ONE) {
            return ZERO;
        }
        return gate(Circuit.INV, a, -1);
    }

    /** a OR b, one AND gate. */
    public int or(int a, int b) {
        return xor(xor(a, b), and(a, b));
    }

    /** {@code s ? b : a}, one AND gate. */
    public int mux(int s, int a, int b) {
        return xor(a, and(s, xor(a, b)));
    }

    // ---- unsigned integers, least significant bit first ----

    /** The constant {@code value} as {@code bits} constant markers. */
    public int[] constant(long value, int bits) {
        int[] w = new int[bits];
        for (int i = 0; i < bits; i++) {
            w[i] = constant(i < 64 && ((value >>> i) & 1) != 0);
        }
        return w;
    }

    /** Zero-extends or truncates {@code a} to {@code bits}. */
    public static int[] resize(int[] a, int bits) {
        int[] r = new int[bits];
        for (int i = 0; i < bits; i++) {
            r[i] = i < a.length ? a[i] : ZERO;
        }
        return r;
    }

    public int[] xor(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = xor(bit(a, i), bit(b, i));
        }
        return r;
    }

    /** Every bit of {@code a} ANDed with {@code s}: {@code s ? a : 0}. */
    public int[] and(int[] a, int s) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = and(a[i], s);
        }
        return r;
    }

    /** {@code s ? b : a}, one AND gate per bit. */
    public int[] mux(int s, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = mux(s, bit(a, i), bit(b, i));
        }
        return r;
    }

    /** {@code a + b} modulo 2^n where n is the longer width; one AND gate per bit but the last. */
    public int[] add(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        return addWithCarry(a, b, ZERO, n);
    }

    /** {@code a + b} with the carry as an extra top bit. */
    public int[] addExtend(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        return addWithCarry(a, b, ZERO, n + 1);
    }

    private int[] addWithCarry(int[] a, int[] b, int carry, int width) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[width];
        int c = carry;
        for (int i = 0; i < n && i < width; i++) {
            int x = bit(a, i);
            int y = bit(b, i);
            r[i] = xor(xor(x, y), c);
            if (i + 1 < width) {
                // carry = majority(x, y, c) = c ^ ((x ^ c) & (y ^ c))
                c = xor(c, and(xor(x, c), xor(y, c)));
            }
        }
        if (width > n) {
            r[n] = c;
            for (int i = n + 1; i < width; i++) {
                r[i] = ZERO;
            }
        }
        return r;
    }

    /** {@code a - b} modulo 2^n where n is the longer width. */
    public int[] sub(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] nb = new int[n];
        for (int i = 0; i < n; i++) {
            nb[i] = not(bit(b, i));
        }
        return addWithCarry(a, nb, ONE, n);
    }

    /**
     * {@code a - b} modulo 2^n (n the longer width) followed by the borrow, i.e. {@code a < b}, as
     * an extra top bit: n AND gates for both, where {@link #sub} and {@link #lessThan} take 2n - 1.
     */
    public int[] subtractWithBorrow(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] r = new int[n + 1];
        int borrow = ZERO;
        for (int i = 0; i < n; i++) {
            int x = bit(a, i);
            int y = bit(b, i);
            r[i] = xor(xor(x, y), borrow);
            borrow = xor(y, and(xor(not(x), y), xor(y, borrow)));
        }
        r[n] = borrow;
        return r;
    }

    /** Unsigned {@code a < b}: the borrow out of {@code a - b}, one AND gate per bit. */
    public int lessThan(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int borrow = ZERO;
        for (int i = 0; i < n; i++) {
            int x = bit(a, i);
            int y = bit(b, i);
            // borrow' = majority(!x, y, borrow) = y ^ ((!x ^ y) & (y ^ borrow))
            borrow = xor(y, and(xor(not(x), y), xor(y, borrow)));
        }
        return borrow;
    }

    /** Unsigned {@code a >= b}. */
    public int greaterOrEqual(int[] a, int[] b) {
        return not(lessThan(a, b));
    }

    /** {@code a == b}, n - 1 AND gates. */
    public int equal(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] same = new int[n];
        for (int i = 0; i < n; i++) {
            same[i] = not(xor(bit(a, i), bit(b, i)));
        }
        return andAll(same);
    }

    /** AND of all bits as a balanced tree (depth log n). */
    public int andAll(int[] bits) {
        if (bits.length == 0) {
            return ONE;
        }
        int[] level = bits.clone();
        int len = level.length;
        while (len > 1) {
            int half = (len + 1) / 2;
            for (int i = 0; i < len / 2; i++) {
                level[i] = and(level[2 * i], level[2 * i + 1]);
            }
            if (len % 2 == 1) {
                level[len / 2] = level[len - 1];
            }
            len = half;
        }
        return level[0];
    }

    /** OR of all bits as a balanced tree. */
    public int orAll(int[] bits) {
        int[] inverted = new int[bits.length];
        for (int i = 0; i < bits.length; i++) {
            inverted[i] = not(bits[i]);
        }
        return not(andAll(inverted));
    }

    /** {@code a * b} modulo 2^n where n is the longer width (schoolbook). */
    public int[] multiply(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] acc = constant(0, n);
        for (int i = 0; i < n; i++) {
            int[] partial = new int[n];
            for (int j = 0; j < n; j++) {
                partial[j] = j < i ? ZERO : and(bit(a, j - i), bit(b, i));
            }
            acc = add(acc, partial);
        }
        return acc;
    }

    private static int bit(int[] a, int i) {
        return i < a.length ? a[i] : ZERO;
    }

    // ---- outputs ----

    /** Adds one output value made of {@code bits} (least significant first); constants are materialised. */
    public void output(int... bits) {
        if (bits.length == 0) {
            throw new IllegalArgumentException("circuit builder: an output value needs at least one bit");
        }
        for (int b : bits) {
            outputs.add(materialise(b));
        }
        outputWidths.add(bits.length);
    }

    /**
     * Turns a constant marker into a real wire. A constant output is legitimate (e.g. "no provider
     * can win" for a given shape), and the engine only knows wires: 0 is {@code w XOR w} for some
     * input wire w, 1 its inverse.
     */
    private int materialise(int w) {
        if (!isConstant(w)) {
            return w;
        }
        int anyInput = -1;
        for (int[] in : inputs) {
            if (in.length > 0) {
                anyInput = in[0];
                break;
            }
        }
        if (anyInput < 0) {
            throw new IllegalArgumentException("circuit builder: a constant output needs at least one input wire");
        }
        int zero = gate(Circuit.XOR, anyInput, anyInput);
        return w == ZERO ? zero : gate(Circuit.INV, zero, -1);
    }

    private int gate(byte type, int a, int b) {
        if (gates == types.length) {
            int cap = gates * 2;
            types = Arrays.copyOf(types, cap);
            in0 = Arrays.copyOf(in0, cap);
            in1 = Arrays.copyOf(in1, cap);
            out = Arrays.copyOf(out, cap);
        }
        types[gates] = type;
        in0[gates] = a;
        in1[gates] = b;
        out[gates] = wires;
        gates++;
        return wires++;
    }

    /** Number of AND gates so far. */
    public int andGates() {
        int n = 0;
        for (int i = 0; i < gates; i++) {
            n += types[i] == Circuit.AND ? 1 : 0;
        }
        return n;
    }

    public Circuit build() {
        return new Circuit(Math.max(wires, 1), inputs,
                Arrays.copyOf(types, gates), Arrays.copyOf(in0, gates), Arrays.copyOf(in1, gates),
                Arrays.copyOf(out, gates),
                outputs.stream().mapToInt(Integer::intValue).toArray(),
                outputWidths.stream().mapToInt(Integer::intValue).toArray());
    }
}
