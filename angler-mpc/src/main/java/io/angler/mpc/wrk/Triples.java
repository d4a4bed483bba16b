package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Commitment;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Channel;

/**
 * Authenticated AND triples, one per AND gate, turned into authenticated shares of
 * σ = λ_α·λ_β for the gate's input wire masks (WRK's Π_LaAND, Π_aAND and the function-dependent
 * step). Five steps, each a part of a round ({@link Session.Part}); the first three ride with the
 * three rounds of {@link AuthenticatedBits}, whose checks run on the bits before step 2's
 * corrections are applied:
 * <ol>
 *   <li><b>Leaky AND.</b> From random shares ⟨x⟩, ⟨y⟩, ⟨r⟩, every ordered pair (i, j) runs a
 *       half-AND on i's key for j's x and i's bit y^i: i sends j one block
 *       S = H(K) ⊕ H(K ⊕ Δ_i) ⊕ (Φ_i with y^i in its lowest bit), H a tweakable
 *       correlation-robust hash, and j gets H(K ⊕ x^j·Δ_i) ⊕ x^j·S. The lowest bits give XOR
 *       shares of x·y; the upper 127 bits give XOR shares of x·Φ, where the Φ_i (built from the
 *       keys and MACs of y) are XOR shares of y·Δ, Δ = ⊕Δ_i.</li>
 *   <li>Every party announces e^i = z^i ⊕ r^i, making ⟨z⟩ = ⟨r⟩ ⊕ e authenticated.</li>
 *   <li>The triple coin is opened (after e is fixed): ρ random subsets of the triples and the
 *       bucketing permutation.</li>
 *   <li>Every party commits to W_i: for each subset, the XOR over its triples of this party's
 *       share of (x·y ⊕ z)·Δ (upper 127 bits). The bucketing values and the conversion values are
 *       opened.</li>
 *   <li>The commitments are opened and ΣW_i must be 0 (<b>leaky-and</b>): a wrong z adds Δ to
 *       every subset holding it, unknown to anyone missing an honest Δ; a wrong triple escapes
 *       all ρ subsets with probability 2^-ρ. The broadcast transcripts are compared
 *       (<b>broadcast</b>).</li>
 * </ol>
 * A cheating sender in the half-AND can only make the check fail depending on an honest x bit:
 * that is the leak, caught with probability 1/2 per guess, and bucketing removes it. Triples are
 * combined B per bucket: x = ⊕x_t, y = y_1, z = ⊕z_t ⊕ ⊕_{t>1} (y_1 ⊕ y_t)·x_t, opening d_t = y_1 ⊕ y_t
 * (<b>triple-open</b>, MAC-checked). Then for gate (α, β): open a = λ_α ⊕ x, b = λ_β ⊕ y and
 * σ = z ⊕ a·y ⊕ b·x ⊕ a·b.
 */
final class Triples {
    private static final long TWEAK_DOMAIN = 0x4c41414e44000000L; // "LAAND"

    private final Session s;
    private final Layout lay;
    private final Shares a;
    private final CommittedCoin coin;
    private final int count;
    private final int bucket;

    private long[] checkShares; // per triple: this party's share of x·Φ (upper bits) before the z term
    private int[] permutation;
    private int[] position; // position[k]: where triple k landed in the permutation
    private long[] coefficients;
    private long[] combinedCheck;
    private byte[] checkRandomness;
    private byte[][] checkCommitments;

    Triples(Session s, Layout lay, Shares a, CommittedCoin coin) {
        this.s = s;
        this.lay = lay;
        this.a = a;
        this.coin = coin;
        this.count = lay.triples();
        this.bucket = lay.buckets().bucketSize();
    }

    static final String PHASE = "triples";

    // ---- round 1: half-AND and the check blocks ----

    /** Copies the blocks of field {@code field} (0 = x, 1 = y, 2 = r) of every triple out of {@code src}. */
    private void gather(long[] src, int field, long[] dst) {
        int base = 2 * (lay.t0() + field);
        for (int k = 0; k < count; k++) {
            dst[2 * k] = src[base + 6 * k];
            dst[2 * k + 1] = src[base + 6 * k + 1];
        }
    }

    /** XORs the blocks of field {@code field} of every triple of {@code src} into {@code dst}. */
    private void gatherXor(long[] src, int field, long[] dst) {
        int base = 2 * (lay.t0() + field);
        for (int k = 0; k < count; k++) {
            dst[2 * k] ^= src[base + 6 * k];
            dst[2 * k + 1] ^= src[base + 6 * k + 1];
        }
    }

    private long xBit(int k) {
        return a.bitAsLong(lay.x(k));
    }

    private long yBit(int k) {
        return a.bitAsLong(lay.y(k));
    }

    private long[] phi;
    private long[] acc;
    private long[] h0;
    private long[] h1;
    private long[] buf;
    private long[] z;

    /** Round 1 (riding with the first authenticated-bits round): the half-AND and check blocks. */
    Session.Part halfAnd() {
        phi = new long[2 * count];
        for (int k = 0; k < count; k++) {
            long m = -yBit(k);
            phi[2 * k] = s.deltaLo & m;
            phi[2 * k + 1] = s.deltaHi & m;
        }
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                gatherXor(a.keys[p], 1, phi);
                gatherXor(a.macs[p], 1, phi);
            }
        }
        acc = new long[2 * count];
        h0 = new long[2 * count];
        h1 = new long[2 * count];
        buf = new long[2 * count];
        return new Session.Part(PHASE, this::writeHalfAnd, this::readHalfAnd);
    }

    /** The hash tweaks of the half-ANDs under {@code holder}'s Δ towards {@code peer}: (nonce + k, ...). */
    private static long tweakHigh(long nonceHi, int holder, int peer) {
        return nonceHi ^ TWEAK_DOMAIN ^ ((long) holder << 8) ^ peer;
    }

    private void writeHalfAnd(int j, Channel ch) {
        long tweakLo = s.nonceLo;
        long tweak = tweakHigh(s.nonceHi, s.self, j);
        if (s.tweaks != null) {
            s.tweaks.halfAnd(tweakLo, tweak, count);
        }
        gather(a.keys[j], 0, buf);
        s.aes.tccrHash(buf, 0, tweakLo, tweak, h0, 0, count);
        for (int k = 0; k < count; k++) {
            buf[2 * k] ^= s.deltaLo;
            buf[2 * k + 1] ^= s.deltaHi;
        }
        s.aes.tccrHash(buf, 0, tweakLo, tweak, h1, 0, count);
        long flip = (s.deviation.at(Deviation.Kind.HALF_AND_BIT, j) ? 1 : 0)
                | (s.deviation.at(Deviation.Kind.CHECK_BLOCK, j) ? 2 : 0);
        for (int k = 0; k < count; k++) {
            buf[2 * k] = h0[2 * k] ^ h1[2 * k] ^ (phi[2 * k] & ~1L) ^ yBit(k) ^ flip;
            buf[2 * k + 1] = h0[2 * k + 1] ^ h1[2 * k + 1] ^ phi[2 * k + 1];
        }
        Blocks.xorInto(acc, 0, h0, 0, count);
        ch.writeLongs(new long[] {s.nonceLo, s.nonceHi});
        ch.writeLongs(buf, 0, 2 * count);
    }

    private void readHalfAnd(int j, Channel ch) {
        long[] nonce = new long[2];
        ch.readLongs(nonce);
        ch.readLongs(buf, 0, 2 * count);
        long tweak = tweakHigh(nonce[1], j, s.self);
        gather(a.macs[j], 0, h1);
        s.aes.tccrHash(h1, 0, nonce[0], tweak, h0, 0, count);
        for (int k = 0; k < count; k++) {
            long m = -xBit(k);
            acc[2 * k] ^= h0[2 * k] ^ (buf[2 * k] & m);
            acc[2 * k + 1] ^= h0[2 * k + 1] ^ (buf[2 * k + 1] & m);
        }
    }

    /** Lowest bits: shares of x·y once x^i·y^i is added; upper bits: shares of x·Φ once x^i·Φ_i is added. */
    void afterHalfAnd() {
        z = new long[Openings.words(count)];
        for (int k = 0; k < count; k++) {
            long x = xBit(k);
            long bit = (acc[2 * k] ^ (x & yBit(k))) & 1;
            z[k >>> 6] |= bit << (k & 63);
            acc[2 * k] ^= phi[2 * k] & -x;
            acc[2 * k + 1] ^= phi[2 * k + 1] & -x;
        }
        checkShares = acc;
        acc = null;
        phi = null;
        h0 = null;
        h1 = null;
        buf = null;
    }

    // ---- round 2: e = z ⊕ r, making z authenticated ----

    private long[][] announced;

    /** Round 2 (riding with the second authenticated-bits round): every e^i = z^i ⊕ r^i. */
    Session.Part corrections() {
        long[] e = z.clone();
        for (int k = 0; k < count; k++) {
            e[k >>> 6] ^= a.bitAsLong(lay.r(k)) << (k & 63);
        }
        if (s.deviation.is(Deviation.Kind.TRIPLE_BIT) && count > 0) {
            e[0] ^= 1;
        }
        announced = new long[s.parties][];
        announced[s.self] = e;
        return new Session.Part(PHASE, (p, ch) -> {
            long[] sent = e;
            if (s.deviation.at(Deviation.Kind.BROADCAST, p) && count > 0) {
                sent = e.clone();
                sent[0] ^= 1;
            }
            Openings.writeBits(ch, sent, count);
        }, (p, ch) -> announced[p] = Openings.readBits(ch, count));
    }

    /** ⟨z⟩ = ⟨r⟩ ⊕ ⊕e^i. */
    void afterCorrections() {
        s.recordBroadcast("triple-corrections", announced);
        long[] sum = new long[Openings.words(count)];
        for (long[] e : announced) {
            for (int w = 0; w < sum.length; w++) {
                sum[w] ^= e[w];
            }
        }
        announced = null;
        z = null;
        for (int k = 0; k < count; k++) {
            if (((sum[k >>> 6] >>> (k & 63)) & 1) != 0) {
                a.addOne(lay.r(k), s.deltaLo, s.deltaHi); // r becomes z
            }
        }
    }

    // ---- round 3: the coin for the check's subsets and the permutation ----

    private byte[][] coinOpenings;

    /** Round 3 (riding with the third authenticated-bits round): the triple coin, once every e is fixed. */
    Session.Part openCoin() {
        byte[] opening = coin.opening();
        coinOpenings = new byte[s.parties][];
        coinOpenings[s.self] = opening;
        return new Session.Part(PHASE, (p, ch) -> ch.write(opening),
                (p, ch) -> coinOpenings[p] = coin.readOpening(p, ch));
    }

    /** The check's subsets and the bucketing permutation from the coin; this party's check value. */
    void afterOpenCoin() {
        s.recordBroadcast("triple-coin", coinOpenings);
        coinOpenings = null;
        Prg shared = Prg.fromSeed(coin.value());
        coefficients = new long[count];
        shared.nextLongs(coefficients, 0, count);
        long rhoMask = (1L << lay.rho()) - 1;
        for (int k = 0; k < count; k++) {
            coefficients[k] &= rhoMask;
        }
        permutation = new int[count];
        for (int k = 0; k < count; k++) {
            permutation[k] = k;
        }
        for (int k = count - 1; k > 0; k--) {
            int j = shared.nextInt(k + 1);
            int t = permutation[k];
            permutation[k] = permutation[j];
            permutation[j] = t;
        }
        position = new int[count];
        for (int k = 0; k < count; k++) {
            position[permutation[k]] = k;
        }
        computeCheck();
    }

    /**
     * This party's shares of (x·y ⊕ z)·Δ (upper 127 bits) per triple, folded into ρ random
     * subset-sums: a nonzero error vector survives a subset-sum with probability 1/2, all ρ with
     * 2^-ρ. Cheaper than a GF(2^128) combination (no multiplications) and as strong for ρ = 40.
     */
    private void computeCheck() {
        long[] w = checkShares;
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                gatherXor(a.keys[p], 2, w);
                gatherXor(a.macs[p], 2, w);
            }
        }
        for (int k = 0; k < count; k++) {
            long zm = -a.bitAsLong(lay.r(k));
            w[2 * k] = (w[2 * k] ^ (s.deltaLo & zm)) & ~1L;
            w[2 * k + 1] ^= s.deltaHi & zm;
        }
        combinedCheck = java.util.Arrays.copyOf(AuthenticatedBits.combineBlocks(w, coefficients, count),
                2 * lay.rho());
        checkShares = null;
    }

    // ---- round 4: commit to W; open the bucketing and conversion values ----

    /*
     * Per gate g, with bucket members m_0..m_{B-1} (permutation order), the opened values are
     *   d_t = y_{m_0} ⊕ y_{m_t} (t = 1..B-1),   λ_α ⊕ X,   λ_β ⊕ y_{m_0}     where X = ⊕_t x_{m_t},
     * and, once they are known, σ = Z ⊕ ⊕_{t≥1} d_t·x_{m_t} ⊕ (λ_α⊕X)·y_{m_0} ⊕ (λ_β⊕y_{m_0})·X ⊕ (λ_α⊕X)(λ_β⊕y_{m_0})
     * with Z = ⊕_t z_{m_t}. One pass per peer and per MAC/key array reads the members in random
     * order once and keeps, per gate, the B+2 values σ needs ("stash": Z, X, y_{m_0}, x_{m_1..m_{B-1}}).
     */

    private Shares open;
    private Shares stash;
    private long[][] openedBits;

    /** Round 4: the commitment to this party's check value; the bucketing and conversion values opened. */
    Session.Part commitAndOpen(Circuit circuit, Shares masks) {
        int ands = lay.andGates();
        int items = ands * (bucket + 1);
        int[][] inputsOf = andInputs(circuit);
        open = new Shares(s.parties, s.self, items);
        stash = new Shares(s.parties, s.self, ands * (bucket + 2));
        gatherBits(inputsOf, masks, open, stash);
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                gatherBlocks(inputsOf, a.macs[p], masks.macs[p], open.macs[p], stash.macs[p]);
                gatherBlocks(inputsOf, a.keys[p], masks.keys[p], open.keys[p], stash.keys[p]);
            }
        }
        checkRandomness = s.prg.nextBytes(Commitment.RANDOMNESS_BYTES);
        byte[] commitment = Commitment.commit(s.self, checkRandomness, Blocks.toBytes(combinedCheck));
        long[] myBits = open.bits.clone();
        if (s.deviation.is(Deviation.Kind.TRIPLE_OPENING) && items > 0) {
            myBits[0] ^= 1;
        }
        checkCommitments = new byte[s.parties][];
        checkCommitments[s.self] = commitment;
        openedBits = new long[s.parties][];
        openedBits[s.self] = myBits;
        return new Session.Part(PHASE, (p, ch) -> {
            ch.write(commitment);
            Openings.writeBits(ch, myBits, items);
            Openings.writeMacDigest(s, ch, open, items);
        }, (p, ch) -> {
            checkCommitments[p] = ch.readBytes(Commitment.BYTES);
            openedBits[p] = Openings.readBits(ch, items);
            Openings.readAndCheckMacDigest(s, ch, open, openedBits[p], items, "triple-open");
        });
    }

    /** σ for every AND gate, in circuit order, from the opened values. */
    Shares afterCommitAndOpen() {
        s.recordBroadcast("leaky-and-commitments", checkCommitments);
        s.recordBroadcast("triple-openings", openedBits);
        int ands = lay.andGates();
        int per = bucket + 1;
        long[] opened = new long[Openings.words(ands * per)];
        for (long[] b : openedBits) {
            for (int w = 0; w < opened.length; w++) {
                opened[w] ^= b[w];
            }
        }
        Shares sigma = new Shares(s.parties, s.self, ands);
        sigmaBits(opened, stash, sigma);
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                sigmaBlocks(opened, stash.macs[p], sigma.macs[p]);
                sigmaBlocks(opened, stash.keys[p], sigma.keys[p]);
            }
        }
        for (int g = 0; g < ands; g++) {
            if (bit(opened, g * per + bucket - 1) && bit(opened, g * per + bucket)) {
                sigma.addOne(g, s.deltaLo, s.deltaHi);
            }
        }
        open = null;
        stash = null;
        openedBits = null;
        return sigma;
    }

    private void gatherBits(int[][] inputsOf, Shares masks, Shares open, Shares stash) {
        int per = bucket + 1;
        int st = bucket + 2;
        for (int g = 0; g < lay.andGates(); g++) {
            long zs = 0;
            long xs = 0;
            long y0 = 0;
            for (int t = 0; t < bucket; t++) {
                int m = permutation[g * bucket + t];
                long x = a.bitAsLong(lay.x(m));
                long y = a.bitAsLong(lay.y(m));
                zs ^= a.bitAsLong(lay.r(m));
                xs ^= x;
                if (t == 0) {
                    y0 = y;
                } else {
                    setBit(open.bits, g * per + t - 1, y0 ^ y);
                    setBit(stash.bits, g * st + 2 + t, x);
                }
            }
            setBit(open.bits, g * per + bucket - 1, masks.bitAsLong(inputsOf[0][g]) ^ xs);
            setBit(open.bits, g * per + bucket, masks.bitAsLong(inputsOf[1][g]) ^ y0);
            setBit(stash.bits, g * st, zs);
            setBit(stash.bits, g * st + 1, xs);
            setBit(stash.bits, g * st + 2, y0);
        }
    }

    /**
     * The same linear combinations as {@link #gatherBits}, on one peer's MACs or keys. The triples
     * are read in order and their contributions XORed into their gate's slots (the targets are
     * small and each gate's slots are adjacent), which is much kinder to the caches than reading
     * the members of each bucket at random places.
     */
    private void gatherBlocks(int[][] inputsOf, long[] src, long[] lambda, long[] open, long[] stash) {
        int per = bucket + 1;
        int st = bucket + 2;
        int base = 2 * lay.t0();
        int used = lay.andGates() * bucket;
        for (int k = 0; k < count; k++) {
            int pos = position[k];
            if (pos >= used) {
                continue; // a triple of a spare bucket
            }
            int g = pos / bucket;
            int t = pos - g * bucket;
            int i = base + 6 * k;
            int o = 2 * g * per;
            int q = 2 * g * st;
            long yl = src[i + 2];
            long yh = src[i + 3];
            stash[q] ^= src[i + 4];
            stash[q + 1] ^= src[i + 5];
            stash[q + 2] ^= src[i];
            stash[q + 3] ^= src[i + 1];
            if (t == 0) {
                stash[q + 4] = yl;
                stash[q + 5] = yh;
                for (int d = 0; d < bucket - 1; d++) {
                    open[o + 2 * d] ^= yl;
                    open[o + 2 * d + 1] ^= yh;
                }
                open[o + 2 * bucket] ^= yl;
                open[o + 2 * bucket + 1] ^= yh;
            } else {
                open[o + 2 * (t - 1)] ^= yl;
                open[o + 2 * (t - 1) + 1] ^= yh;
                stash[q + 2 * (2 + t)] = src[i];
                stash[q + 2 * (2 + t) + 1] = src[i + 1];
            }
        }
        for (int g = 0; g < lay.andGates(); g++) {
            int o = 2 * g * per;
            int q = 2 * g * st;
            int la = 2 * inputsOf[0][g];
            int lb = 2 * inputsOf[1][g];
            open[o + 2 * (bucket - 1)] = lambda[la] ^ stash[q + 2];
            open[o + 2 * (bucket - 1) + 1] = lambda[la + 1] ^ stash[q + 3];
            open[o + 2 * bucket] ^= lambda[lb];
            open[o + 2 * bucket + 1] ^= lambda[lb + 1];
        }
    }

    private void sigmaBits(long[] opened, Shares stash, Shares sigma) {
        int per = bucket + 1;
        int st = bucket + 2;
        for (int g = 0; g < lay.andGates(); g++) {
            long v = stash.bitAsLong(g * st);
            for (int t = 1; t < bucket; t++) {
                v ^= bitAsLong(opened, g * per + t - 1) & stash.bitAsLong(g * st + 2 + t);
            }
            v ^= bitAsLong(opened, g * per + bucket - 1) & stash.bitAsLong(g * st + 2);
            v ^= bitAsLong(opened, g * per + bucket) & stash.bitAsLong(g * st + 1);
            setBit(sigma.bits, g, v);
        }
    }

    private void sigmaBlocks(long[] opened, long[] stash, long[] sigma) {
        int per = bucket + 1;
        int st = bucket + 2;
        for (int g = 0; g < lay.andGates(); g++) {
            int q = 2 * g * st;
            long l = stash[q];
            long h = stash[q + 1];
            for (int t = 1; t < bucket; t++) {
                long m = -bitAsLong(opened, g * per + t - 1);
                l ^= stash[q + 2 * (2 + t)] & m;
                h ^= stash[q + 2 * (2 + t) + 1] & m;
            }
            long ma = -bitAsLong(opened, g * per + bucket - 1);
            long mb = -bitAsLong(opened, g * per + bucket);
            l ^= (stash[q + 4] & ma) ^ (stash[q + 2] & mb);
            h ^= (stash[q + 5] & ma) ^ (stash[q + 3] & mb);
            sigma[2 * g] = l;
            sigma[2 * g + 1] = h;
        }
    }

    private static void setBit(long[] packed, int i, long v) {
        packed[i >>> 6] = (packed[i >>> 6] & ~(1L << (i & 63))) | (v << (i & 63));
    }

    private static long bitAsLong(long[] packed, int i) {
        return (packed[i >>> 6] >>> (i & 63)) & 1;
    }

    // ---- round 5: open W, check ΣW = 0, compare transcripts ----

    private byte[][] digests;
    private long[][] values;
    private byte[][] rands;

    /** Round 5: the broadcast transcript's digest and the opening of the check value. */
    Session.Part openCheck() {
        long[] mine = combinedCheck.clone();
        if (s.deviation.is(Deviation.Kind.CHECK_OPENING)) {
            mine[0] ^= 2;
        }
        byte[] transcript = s.transcriptDigest();
        digests = new byte[s.parties][];
        digests[s.self] = transcript;
        values = new long[s.parties][];
        rands = new byte[s.parties][];
        return new Session.Part(PHASE, (p, ch) -> {
            ch.write(transcript);
            ch.writeLongs(mine);
            ch.write(checkRandomness);
        }, (p, ch) -> {
            digests[p] = ch.readBytes(32);
            values[p] = new long[mine.length];
            ch.readLongs(values[p]);
            rands[p] = ch.readBytes(Commitment.RANDOMNESS_BYTES);
        });
    }

    /** Everybody saw the same broadcasts, every opening matches its commitment, and ΣW = 0. */
    void afterOpenCheck() {
        s.checkTranscript(digests[s.self], digests);
        long[] sum = combinedCheck.clone();
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                if (!Commitment.verify(checkCommitments[p], p, rands[p], Blocks.toBytes(values[p]))) {
                    throw new MpcAbortException("leaky-and-opening", p,
                            "opened check value does not match its commitment");
                }
                Blocks.xorInto(sum, 0, values[p], 0, lay.rho());
            }
        }
        long any = 0;
        for (long v : sum) {
            any |= v;
        }
        if (any != 0) {
            throw new MpcAbortException("leaky-and", -1, "the AND triples are not correct (their check does not cancel)");
        }
    }

    /** The input wires (α, β) of every AND gate, in circuit order. */
    static int[][] andInputs(Circuit c) {
        int[][] r = new int[2][c.andGates()];
        for (int i = 0, g = 0; i < c.gates(); i++) {
            if (c.type(i) == Circuit.AND) {
                r[0][g] = c.in0(i);
                r[1][g] = c.in1(i);
                g++;
            }
        }
        return r;
    }

    private static boolean bit(long[] packed, int i) {
        return ((packed[i >>> 6] >>> (i & 63)) & 1) != 0;
    }
}
