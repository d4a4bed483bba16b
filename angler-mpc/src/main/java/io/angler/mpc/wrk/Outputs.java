package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.Channel;
import java.security.MessageDigest;

/**
 * The output phase, one round. For every output bit on wire w and every recipient j:
 * <ul>
 *   <li>every other party opens its share of λ_w to j alone, MAC-checked (<b>output-mask</b>);</li>
 *   <li>the evaluator sends j the masked value ŵ = w ⊕ λ_w with a digest of j's own labels
 *       L^j_{w,ŵ} (<b>output-label</b>): the evaluator holds only the label of the true masked value,
 *       and the other one is L ⊕ Δ_j, so it cannot claim a different value.</li>
 * </ul>
 * j outputs ŵ ⊕ λ_w. A failed output-label check blames nobody: j's label L^j_w is also made of the
 * MAC blocks every other garbler k put in its rows for j (M_j[r^k], see {@link Evaluator}), which the
 * evaluator cannot check, so a garbler can make it fail for another garbler.
 *
 * <p>A party that is not a recipient of a bit receives nothing about it: no
 * share of λ_w, no masked value.
 *
 * <p>A last, empty round confirms: a party returns its outputs only once every peer has said it
 * passed every check. So if any honest party aborts, all honest parties abort (an honest party's
 * abort notice reaches everyone), even when the cheating was aimed at one recipient only.
 */
final class Outputs {
    private final Session s;
    private final OutputPlan plan;
    private final Shares masks;
    private final int[] outputWires;

    Outputs(Session s, Circuit circuit, OutputPlan plan, Shares masks) {
        this.s = s;
        this.plan = plan;
        this.masks = masks;
        this.outputWires = circuit.outputs();
    }

    /** The output bits {@code party} receives, in order. */
    private int[] outputsOf(int party) {
        int count = 0;
        for (int o = 0; o < outputWires.length; o++) {
            if (plan.learns(party, o)) {
                count++;
            }
        }
        int[] r = new int[count];
        for (int o = 0, k = 0; o < outputWires.length; o++) {
            if (plan.learns(party, o)) {
                r[k++] = o;
            }
        }
        return r;
    }

    private Shares outputMasks(int[] outs) {
        Shares v = new Shares(s.parties, s.self, outs.length);
        for (int i = 0; i < outs.length; i++) {
            v.copyFrom(i, masks, outputWires[outs[i]]);
        }
        return v;
    }

    static final String PHASE = "output";

    private int[] mine;
    private Shares own;
    private long[] lambda;
    private long[] zHat;

    /**
     * The output round.
     *
     * @param evaluator the evaluator (party 0 only), else null
     * @param garbler this party's garbler state (garblers only), else null
     */
    Session.Part outputs(Evaluator evaluator, Garbler garbler) {
        mine = outputsOf(s.self);
        own = outputMasks(mine);
        lambda = own.bits.clone();
        zHat = new long[Openings.words(mine.length)];
        if (evaluator != null) {
            for (int i = 0; i < mine.length; i++) {
                if (evaluator.maskedValue(outputWires[mine[i]])) {
                    zHat[i >>> 6] |= 1L << (i & 63);
                }
            }
        }
        return new Session.Part(PHASE, (j, ch) -> writeOutputs(j, ch, evaluator), (p, ch) -> readOutputs(p, ch, garbler));
    }

    private void writeOutputs(int j, Channel ch, Evaluator evaluator) {
        int[] outs = outputsOf(j);
        if (outs.length == 0) {
            return;
        }
        Shares v = outputMasks(outs);
        long[] bits = v.bits.clone();
        if (s.deviation.at(Deviation.Kind.OUTPUT_MASK, j)) {
            bits[0] ^= 1;
        }
        Openings.writeBits(ch, bits, outs.length);
        Openings.writeMacDigest(s, ch, v, outs.length);
        if (evaluator != null) {
            long[] masked = new long[Openings.words(outs.length)];
            long[] labels = new long[2 * outs.length];
            for (int i = 0; i < outs.length; i++) {
                int w = outputWires[outs[i]];
                if (evaluator.maskedValue(w)) {
                    masked[i >>> 6] |= 1L << (i & 63);
                }
                labels[2 * i] = evaluator.labels[j][2 * w];
                labels[2 * i + 1] = evaluator.labels[j][2 * w + 1];
            }
            if (s.deviation.at(Deviation.Kind.OUTPUT_VALUE, j)) {
                masked[0] ^= 1;
            }
            Openings.writeBits(ch, masked, outs.length);
            ch.write(s.digest(labels, 0, labels.length));
        }
    }

    private void readOutputs(int p, Channel ch, Garbler garbler) {
        if (mine.length == 0) {
            return;
        }
        long[] b = Openings.readBits(ch, mine.length);
        Openings.readAndCheckMacDigest(s, ch, own, b, mine.length, "output-mask");
        for (int w = 0; w < b.length; w++) {
            lambda[w] ^= b[w];
        }
        if (p == 0) {
            zHat = Openings.readBits(ch, mine.length);
            byte[] digest = ch.readBytes(32);
            long[] expected = new long[2 * mine.length];
            for (int i = 0; i < mine.length; i++) {
                int w = outputWires[mine[i]];
                long m = -((zHat[i >>> 6] >>> (i & 63)) & 1);
                expected[2 * i] = garbler.labels[2 * w] ^ (m & s.deltaLo);
                expected[2 * i + 1] = garbler.labels[2 * w + 1] ^ (m & s.deltaHi);
            }
            if (!MessageDigest.isEqual(digest, s.digest(expected, 0, expected.length))) {
                // Not attributable: past an AND gate the evaluator's label for this party is also made of
                // the MAC blocks the other garblers put in their rows for it, which nobody checks.
                throw new MpcAbortException("output-label", -1,
                        "the evaluator's output labels do not prove the masked outputs it sent (the evaluator, or"
                                + " another garbler's rows for this party, are wrong)");
            }
        }
    }

    /** The confirmation round: nothing but the tags; an abort notice in their place aborts this party too. */
    Session.Part confirm() {
        return new Session.Part(PHASE, (p, ch) -> { }, (p, ch) -> { });
    }

    /** Per output bit: 1 or 0 if learned, -1 if not (call after the confirmation round). */
    byte[] result() {
        byte[] result = new byte[outputWires.length];
        java.util.Arrays.fill(result, (byte) -1);
        for (int i = 0; i < mine.length; i++) {
            long v = ((zHat[i >>> 6] ^ lambda[i >>> 6]) >>> (i & 63)) & 1;
            result[mine[i]] = (byte) v;
        }
        return result;
    }

}
