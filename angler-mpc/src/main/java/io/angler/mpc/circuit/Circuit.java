package io.angler.mpc.circuit;

import java.util.Arrays;

/**
 * A Boolean circuit over XOR, AND and INV gates, held in primitive arrays. Constants never appear:
 * builders and readers fold them away, so no party ever supplies a circuit constant.
 *
 * <p>Wires are numbered {@code 0 .. wires()-1}. Party {@code p}'s input bits are the wires
 * {@code inputs(p)} in order. Gates are in topological order: a gate reads only wires that are
 * inputs or outputs of earlier gates, and every wire is written at most once. The outputs are a
 * list of wires (any defined wire, inputs included), grouped into values of
 * {@code outputWidths()} bits for display.
 */
public final class Circuit {
    public static final byte XOR = 0;
    public static final byte AND = 1;
    public static final byte INV = 2;

    private final int wires;
    private final int[][] inputs;
    private final byte[] types;
    private final int[] in0;
    private final int[] in1;
    private final int[] out;
    private final int[] outputs;
    private final int[] outputWidths;
    private final int andGates;

    /**
     * Builds and validates a circuit. The arrays are copied.
     *
     * @param wires number of wires
     * @param inputs per party, its input wires in order
     * @param types gate types ({@link #XOR}, {@link #AND}, {@link #INV})
     * @param in0 first input wire of each gate
     * @param in1 second input wire of each gate (ignored, conventionally -1, for INV)
     * @param out output wire of each gate
     * @param outputs the circuit's output wires, in order
     * @param outputWidths sizes of the output values; they must sum to {@code outputs.length}
     * @throws IllegalArgumentException naming the first problem: a wire out of range, used before
     *     it is defined, defined twice, an unknown gate type, or inconsistent sizes
     */
    public Circuit(int wires, int[][] inputs, byte[] types, int[] in0, int[] in1, int[] out, int[] outputs,
                   int[] outputWidths) {
        this.wires = wires;
        this.inputs = new int[inputs.length][];
        for (int p = 0; p < inputs.length; p++) {
            this.inputs[p] = inputs[p].clone();
        }
        this.types = types.clone();
        this.in0 = in0.clone();
        this.in1 = in1.clone();
        this.out = out.clone();
        this.outputs = outputs.clone();
        this.outputWidths = outputWidths.clone();
        this.andGates = validate();
    }

    private int validate() {
        if (wires < 1) {
            throw new IllegalArgumentException("circuit: wire count " + wires + " must be positive");
        }
        if (inputs.length < 1) {
            throw new IllegalArgumentException("circuit: has no input parties");
        }
        int g = types.length;
        if (in0.length != g || in1.length != g || out.length != g) {
            throw new IllegalArgumentException("circuit: gate arrays have different lengths");
        }
        boolean[] defined = new boolean[wires];
        for (int p = 0; p < inputs.length; p++) {
            for (int w : inputs[p]) {
                checkRange(w, "input of party " + p);
                if (defined[w]) {
                    throw new IllegalArgumentException("circuit: wire " + w + " is an input twice");
                }
                defined[w] = true;
            }
        }
        int ands = 0;
        for (int i = 0; i < g; i++) {
            String where = "gate " + i;
            switch (types[i]) {
                case XOR, AND -> {
                    checkDefined(in0[i], where, defined);
                    checkDefined(in1[i], where, defined);
                    if (types[i] == AND) {
                        ands++;
                    }
                }
                case INV -> checkDefined(in0[i], where, defined);
                default -> throw new IllegalArgumentException("circuit: " + where + " has unknown type " + types[i]);
            }
            checkRange(out[i], where + " output");
            if (defined[out[i]]) {
                throw new IllegalArgumentException("circuit: " + where + " writes wire " + out[i]
                        + ", which is already defined");
            }
            defined[out[i]] = true;
        }
        int total = 0;
        for (int w : outputWidths) {
            if (w < 1) {
                throw new IllegalArgumentException("circuit: output value width " + w + " must be positive");
            }
            total += w;
        }
        if (total != outputs.length) {
            throw new IllegalArgumentException("circuit: output value widths sum to " + total + " but there are "
                    + outputs.length + " output wires");
        }
        for (int w : outputs) {
            checkDefined(w, "output", defined);
        }
        return ands;
    }

    private void checkRange(int w, String where) {
        if (w < 0 || w >= wires) {
            throw new IllegalArgumentException("circuit: " + where + " names wire " + w + ", outside 0.." + (wires - 1));
        }
    }

    private void checkDefined(int w, String where, boolean[] defined) {
        checkRange(w, where);
        if (!defined[w]) {
            throw new IllegalArgumentException("circuit: " + where + " reads wire " + w
                    + " before it is defined (undefined wire or a cycle)");
        }
    }

    public int wires() {
        return wires;
    }

    /** Number of parties with an input slot (some may have zero input bits). */
    public int parties() {
        return inputs.length;
    }

    /** Party {@code p}'s input wires, in order (a copy). */
    public int[] inputs(int party) {
        return inputs[party].clone();
    }

    public int inputBits(int party) {
        return inputs[party].length;
    }

    public int gates() {
        return types.length;
    }

    public int andGates() {
        return andGates;
    }

    public byte type(int gate) {
        return types[gate];
    }

    public int in0(int gate) {
        return in0[gate];
    }

    public int in1(int gate) {
        return in1[gate];
    }

    public int out(int gate) {
        return out[gate];
    }

    /** The output wires in order (a copy). */
    public int[] outputs() {
        return outputs.clone();
    }

    public int outputBits() {
        return outputs.length;
    }

    /** Sizes of the output values, summing to {@link #outputBits()} (a copy). */
    public int[] outputWidths() {
        return outputWidths.clone();
    }

    /** The longest chain of AND gates from an input to an output (the multiplicative depth). */
    public int andDepth() {
        int[] depth = new int[wires];
        int max = 0;
        for (int i = 0; i < types.length; i++) {
            int d = switch (types[i]) {
                case AND -> Math.max(depth[in0[i]], depth[in1[i]]) + 1;
                case XOR -> Math.max(depth[in0[i]], depth[in1[i]]);
                default -> depth[in0[i]];
            };
            depth[out[i]] = d;
        }
        for (int w : outputs) {
            max = Math.max(max, depth[w]);
        }
        return max;
    }

    /**
     * Evaluates the circuit in the clear: the oracle every MPC evaluation is tested against.
     *
     * @param inputBits per party, its input bits in the order of {@link #inputs(int)}
     * @return the output bits in order
     */
    public boolean[] evaluate(boolean[][] inputBits) {
        long[][] lanes = new long[inputBits.length][];
        for (int p = 0; p < inputBits.length; p++) {
            lanes[p] = new long[inputBits[p].length];
            for (int i = 0; i < inputBits[p].length; i++) {
                lanes[p][i] = inputBits[p][i] ? 1 : 0;
            }
        }
        long[] r = evaluate64(lanes);
        boolean[] bits = new boolean[r.length];
        for (int i = 0; i < r.length; i++) {
            bits[i] = (r[i] & 1) != 0;
        }
        return bits;
    }

    /**
     * Evaluates 64 independent instances at once: bit {@code k} of every long belongs to instance
     * {@code k}. Used to check circuits against their specification on many random inputs.
     *
     * @param inputLanes per party, per input bit, the 64 instances' values
     * @return per output bit, the 64 instances' values
     */
    public long[] evaluate64(long[][] inputLanes) {
        if (inputLanes.length != inputs.length) {
            throw new IllegalArgumentException("circuit: expects inputs for " + inputs.length + " parties, got "
                    + inputLanes.length);
        }
        long[] v = new long[wires];
        for (int p = 0; p < inputs.length; p++) {
            if (inputLanes[p].length != inputs[p].length) {
                throw new IllegalArgumentException("circuit: party " + p + " has " + inputs[p].length
                        + " input bits, got " + inputLanes[p].length);
            }
            for (int i = 0; i < inputs[p].length; i++) {
                v[inputs[p][i]] = inputLanes[p][i];
            }
        }
        for (int i = 0; i < types.length; i++) {
            v[out[i]] = switch (types[i]) {
                case XOR -> v[in0[i]] ^ v[in1[i]];
                case AND -> v[in0[i]] & v[in1[i]];
                default -> ~v[in0[i]];
            };
        }
        long[] r = new long[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            r[i] = v[outputs[i]];
        }
        return r;
    }

    /**
     * This circuit with input slots for {@code parties} parties: the extra parties have no input
     * bits (e.g. a two-input Bristol circuit evaluated by five parties). Wires and gates are
     * unchanged.
     */
    public Circuit withParties(int parties) {
        if (parties < inputs.length) {
            throw new IllegalArgumentException("circuit: has inputs for " + inputs.length + " parties, cannot shrink to "
                    + parties);
        }
        int[][] padded = Arrays.copyOf(inputs, parties);
        for (int p = inputs.length; p < parties; p++) {
            padded[p] = new int[0];
        }
        return new Circuit(wires, padded, types, in0, in1, out, outputs, outputWidths);
    }

    @Override
    public String toString() {
        return "Circuit[" + inputs.length + " parties, inputs " + Arrays.stream(inputs).mapToInt(a -> a.length).sum()
                + " bits, " + types.length + " gates (" + andGates + " AND), " + outputs.length + " outputs]";
    }
}
