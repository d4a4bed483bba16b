package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.net.Channel;

/**
 * The input phase, three rounds:
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

    /** Rounds 1 and 2; afterwards every party knows every masked input. */
    void run(boolean[] myInputs) {
        s.beginRound();
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p) && bitsOf(p) > 0) {
                Shares v = inputMasks(p);
                long[] bits = v.bits.clone();
                if (s.deviation.at(Deviation.Kind.INPUT_MASK, p)) {
                    bits[0] ^= 1;
                }
                Channel ch = s.net.channel(p);
                Openings.writeBits(ch, bits, v.size);
                Openings.writeMacDigest(s, ch, v, v.size);
            }
        }
        s.send();
        int mine = bitsOf(s.self);
        long[] masked = new long[Openings.words(mine)];
        Shares own = mine > 0 ? inputMasks(s.self) : null;
        if (own != null) {
            System.arraycopy(own.bits, 0, masked, 0, masked.length);
        }
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                Channel ch = s.receive(p);
                if (own != null) {
                    long[] b = Openings.readBits(ch, mine);
                    Openings.readAndCheckMacDigest(s, ch, own, b, mine, "input-mask");
                    for (int w = 0; w < b.length; w++) {
                        masked[w] ^= b[w];
                    }
                }
            }
        }
        for (int i = 0; i < mine; i++) {
            if (myInputs[i]) {
                masked[i >>> 6] ^= 1L << (i & 63);
            }
        }

        s.beginRound();
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p) && mine > 0) {
                long[] sent = masked;
                if (s.deviation.at(Deviation.Kind.INPUT_BROADCAST, p)) {
                    sent = masked.clone();
                    sent[0] ^= 1;
                }
                Openings.writeBits(s.net.channel(p), sent, mine);
            }
        }
        s.send();
        long[][] all = new long[s.parties][];
        all[s.self] = masked;
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                Channel ch = s.receive(p);
                all[p] = bitsOf(p) > 0 ? Openings.readBits(ch, bitsOf(p)) : new long[0];
            }
        }
        s.recordBroadcast("masked-inputs", all);
        for (int p = 0; p < s.parties; p++) {
            for (int i = 0; i < bitsOf(p); i++) {
                if (((all[p][i >>> 6] >>> (i & 63)) & 1) != 0) {
                    int k = lay.inputOffset()[p] + i;
                    maskedInputs[k >>> 6] |= 1L << (k & 63);
                }
            }
        }
    }

    boolean masked(int k) {
        return ((maskedInputs[k >>> 6] >>> (k & 63)) & 1) != 0;
    }

    /**
     * Round 3: transcripts to everyone; a garbler's input labels to the evaluator. Returns, at the
     * evaluator, every garbler's labels of the input wires (in layout order); null elsewhere.
     */
    long[][] exchangeLabels(Garbler garbler) {
        byte[] transcript = s.transcriptDigest();
        int inputs = lay.inputs();
        int[] wires = new int[inputs];
        for (int p = 0, k = 0; p < circuit.parties(); p++) {
            for (int w : circuit.inputs(p)) {
                wires[k++] = w;
            }
        }
        s.beginRound();
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                Channel ch = s.net.channel(p);
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
            }
        }
        s.send();
        byte[][] digests = new byte[s.parties][];
        long[][] labels = s.self == 0 ? new long[s.parties][] : null;
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                Channel ch = s.receive(p);
                digests[p] = ch.readBytes(32);
                if (s.self == 0) {
                    labels[p] = new long[2 * inputs];
                    ch.readLongs(labels[p]);
                }
            }
        }
        s.checkTranscript(transcript, digests);
        return labels;
    }
}
