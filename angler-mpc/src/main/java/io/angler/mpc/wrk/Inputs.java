package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;

/**
 * The input phase, three rounds (the first rides with the last triples round):
 * <ol>
 *   <li>every party opens its shares of the masks of party p's input wires to p alone, with a MAC
 *       digest (<b>input-mask</b>): p learns λ_w and nothing else does;</li>
 *   <li>p broadcasts x_w ⊕ λ_w;</li>
 *   <li>everybody compares broadcast transcripts (<b>broadcast</b>: p told everyone the same
 *       masked inputs), and each garbler sends the evaluator its label for each input wire's masked
 *       value.</li>
 * </ol>
 */
final class Inputs {
    private final Session s;
    private final Circuit circuit;
    private final Layout lay;
    private final Shares masks;
    /** The masked value x ⊕ λ of every input wire, in the layout's order (party, then bit). */
    final long[] maskedInputs;

    Inputs(Session s, Circuit circuit, Layout lay, Shares masks) {
        this.s = s;
        this.circuit = circuit;
        this.lay = lay;
        this.masks = masks;
        this.maskedInputs = new long[Openings.words(lay.inputs())];
    }

    private int bitsOf(int p) {
        return p < circuit.parties() ? circuit.inputBits(p) : 0;
    }

    private Shares inputMasks(int p) {
        int[] wires = circuit.inputs(p);
        Shares v = new Shares(s.parties, s.self, wires.length);
        for (int i = 0; i < wires.length; i++) {
            v.copyFrom(i, masks, wires[i]);
        }
        return v;
    }

    static final String PHASE = "online";

    private Shares own;
    private long[] myMasked;
    private long[][] announced;

    /**
     * Round 1 (riding with the last triples round): every party's shares of the masks of party p's
     * input wires, to p alone, checked when read.
     */
    Session.Part masks() {
        int mine = bitsOf(s.self);
        own = mine > 0 ? inputMasks(s.self) : null;
        myMasked = new long[Openings.words(mine)];
        if (own != null) {
            System.arraycopy(own.bits, 0, myMasked, 0, myMasked.length);
        }
        return new Session.Part(PHASE, (p, ch) -> {
            if (bitsOf(p) > 0) {
                Shares v = inputMasks(p);
                long[] bits = v.bits.clone();
                if (s.deviation.at(Deviation.Kind.INPUT_MASK, p)) {
                    bits[0] ^= 1;
                }
                Openings.writeBits(ch, bits, v.size);
                Openings.writeMacDigest(s, ch, v, v.size);
            }
        }, (p, ch) -> {
            if (own != null) {
                long[] b = Openings.readBits(ch, mine);
                Openings.readAndCheckMacDigest(s, ch, own, b, mine, "input-mask");
                for (int w = 0; w < b.length; w++) {
                    myMasked[w] ^= b[w];
                }
            }
        });
    }

    /** Round 2: this party's masked inputs x ⊕ λ to everybody (call only once the triples are checked). */
    Session.Part maskedInputs(boolean[] myInputs) {
        int mine = bitsOf(s.self);
        for (int i = 0; i < mine; i++) {
            if (myInputs[i]) {
                myMasked[i >>> 6] ^= 1L << (i & 63);
            }
        }
        long[] masked = myMasked;
        announced = new long[s.parties][];
        announced[s.self] = masked;
        return new Session.Part(PHASE, (p, ch) -> {
            if (mine > 0) {
                long[] sent = masked;
                if (s.deviation.at(Deviation.Kind.INPUT_BROADCAST, p)) {
                    sent = masked.clone();
                    sent[0] ^= 1;
                }
                Openings.writeBits(ch, sent, mine);
            }
        }, (p, ch) -> announced[p] = bitsOf(p) > 0 ? Openings.readBits(ch, bitsOf(p)) : new long[0]);
    }

    void afterMaskedInputs() {
        s.recordBroadcast("masked-inputs", announced);
        for (int p = 0; p < s.parties; p++) {
            for (int i = 0; i < bitsOf(p); i++) {
                if (((announced[p][i >>> 6] >>> (i & 63)) & 1) != 0) {
                    int k = lay.inputOffset()[p] + i;
                    maskedInputs[k >>> 6] |= 1L << (k & 63);
                }
            }
        }
        announced = null;
        own = null;
    }

    boolean masked(int k) {
        return ((maskedInputs[k >>> 6] >>> (k & 63)) & 1) != 0;
    }

    private byte[][] digests;
    private long[][] labels;

    /**
     * Round 3: transcript digests to everyone (the masked inputs were the same for all); each
     * garbler's labels of the input wires' masked values to the evaluator.
     */
    Session.Part labels(Garbler garbler) {
        byte[] transcript = s.transcriptDigest();
        int inputs = lay.inputs();
        int[] wires = new int[inputs];
        for (int p = 0, k = 0; p < circuit.parties(); p++) {
            for (int w : circuit.inputs(p)) {
                wires[k++] = w;
            }
        }
        digests = new byte[s.parties][];
        digests[s.self] = transcript;
        labels = s.self == 0 ? new long[s.parties][] : null;
        return new Session.Part(PHASE, (p, ch) -> {
            ch.write(transcript);
            if (p == 0) {
                long[] l = new long[2 * inputs];
                for (int k = 0; k < inputs; k++) {
                    long m = masked(k) ? -1L : 0;
                    l[2 * k] = garbler.labels[2 * wires[k]] ^ (m & s.deltaLo);
                    l[2 * k + 1] = garbler.labels[2 * wires[k] + 1] ^ (m & s.deltaHi);
                }
                if (s.deviation.is(Deviation.Kind.INPUT_LABEL) && inputs > 0) {
                    l[0] ^= s.deltaLo;
                    l[1] ^= s.deltaHi;
                }
                ch.writeLongs(l);
            }
        }, (p, ch) -> {
            digests[p] = ch.readBytes(32);
            if (labels != null) {
                labels[p] = new long[2 * inputs];
                ch.readLongs(labels[p]);
            }
        });
    }

    /** Checks the transcripts; at the evaluator, returns every garbler's input labels (layout order). */
    long[][] afterLabels() {
        s.checkTranscript(digests[s.self], digests);
        return labels;
    }
}
