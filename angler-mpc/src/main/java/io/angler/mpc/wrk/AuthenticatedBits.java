package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Commitment;
import io.angler.mpc.crypto.Prg;
import java.security.MessageDigest;

/**
 * Random authenticated shares for the whole session, in one batch, and the two checks that make
 * them trustworthy across more than two parties (WRK's Π_aBit^n and Π_aShare):
 * <ul>
 *   <li><b>abit-mac</b>: correlated OT runs pairwise, so nothing stops a party from using one bit
 *       with one peer and another bit with another. Every party announces ρ random linear
 *       combinations (coefficients from coins tossed after the OTs) of its bits, each masked by a
 *       sacrificed bit, and proves each with the combined MAC towards every peer. Inconsistent or
 *       forged bits survive a combination with probability 1/2, all ρ with 2^-ρ.</li>
 *   <li><b>global-key</b>: nothing in pairwise OT stops a party from using one Δ with one peer and
 *       another with another. For ρ sacrificed shares r, each party i commits to
 *       d0 = ⊕_k K_i[r^k] and d1 = d0 ⊕ Δ_i; then everybody broadcasts its bit r^k and all its MACs;
 *       then i opens d_b for b = ⊕_{k≠i} r^k, which must equal ⊕_k M_i[r^k]. With two keys towards
 *       two peers, one committed pair fits at most half of the four cases of their bits.</li>
 * </ul>
 */
final class AuthenticatedBits {
    private final Session s;
    private final Layout lay;
    private final int rho;
    private final long rhoMask;
    private final CommittedCoin checkCoin;
    private final CommittedCoin tripleCoin;
    private Shares a;

    // global-key check state
    private long[] d0;
    private long[] d1;
    private byte[][] rand0;
    private byte[][] rand1;
    private byte[][] gkCommitments; // per party, 2·rho commitments: (c0, c1) per check
    private long[] gkBits; // per party, its rho sacrificed bits
    private long[][] gkMacs; // per party, its MACs of them for every other party

    AuthenticatedBits(Session s, Layout lay) {
        this.s = s;
        this.lay = lay;
        this.rho = lay.rho();
        this.rhoMask = (1L << rho) - 1;
        this.checkCoin = new CommittedCoin(s);
        this.tripleCoin = new CommittedCoin(s);
    }

    /** The coin the triple phase opens for its check and its bucketing permutation. */
    CommittedCoin tripleCoin() {
        return tripleCoin;
    }

    /** Authenticates this party's random bits with every peer. */
    Shares extend(CorrelatedOt cot) {
        long[] bits = s.prg.nextBits(lay.count());
        a = cot.extend(s.self, lay.count(), bits);
        for (int p = 0; p < s.parties; p++) {
            if (s.deviation.at(Deviation.Kind.ABIT_MAC, p) && s.isPeer(p)) {
                a.macs[p][0] ^= 1; // this party's bit 0 now looks like another bit to p
            }
        }
        return a;
    }

    static final String PHASE = "authenticated-bits";

    // ---- round 1: commit to both coins and to the key sums ----

    private byte[][] round;

    /** Round 1: commitments to both coins and to the key sums. */
    Session.Part commit() {
        d0 = new long[2 * rho];
        for (int p = 0; p < s.parties; p++) {
            if (s.isPeer(p)) {
                Blocks.xorInto(d0, 0, a.keys[p], 2 * lay.g0(), rho);
            }
        }
        d1 = d0.clone();
        long skew = s.deviation.is(Deviation.Kind.GLOBAL_KEY) ? 1L << 17 : 0;
        for (int t = 0; t < rho; t++) {
            d1[2 * t] ^= s.deltaLo;
            d1[2 * t + 1] ^= s.deltaHi ^ skew;
        }
        rand0 = new byte[rho][];
        rand1 = new byte[rho][];
        byte[] mine = new byte[2 * rho * Commitment.BYTES];
        for (int t = 0; t < rho; t++) {
            rand0[t] = s.prg.nextBytes(Commitment.RANDOMNESS_BYTES);
            rand1[t] = s.prg.nextBytes(Commitment.RANDOMNESS_BYTES);
            System.arraycopy(Commitment.commit(s.self, rand0[t], block(d0, t)), 0, mine, 2 * t * Commitment.BYTES,
                    Commitment.BYTES);
            System.arraycopy(Commitment.commit(s.self, rand1[t], block(d1, t)), 0, mine, (2 * t + 1) * Commitment.BYTES,
                    Commitment.BYTES);
        }
        byte[] coins = concat(checkCoin.commitment(), tripleCoin.commitment());
        gkCommitments = new byte[s.parties][];
        gkCommitments[s.self] = mine;
        round = new byte[s.parties][];
        round[s.self] = concat(coins, mine);
        return new Session.Part(PHASE, (p, ch) -> {
            ch.write(coins);
            ch.write(mine);
        }, (p, ch) -> {
            byte[] c1 = ch.readBytes(Commitment.BYTES);
            byte[] c2 = ch.readBytes(Commitment.BYTES);
            checkCoin.setCommitment(p, c1);
            tripleCoin.setCommitment(p, c2);
            gkCommitments[p] = ch.readBytes(mine.length);
            round[p] = concat(concat(c1, c2), gkCommitments[p]);
        });
    }

    void afterCommit() {
        s.recordBroadcast("abit-commitments", round);
    }

    // ---- round 2: open the check coin; the sacrificed bits and all their MACs ----

    /** Round 2: the check coin's opening, the sacrificed bits and every MAC of them. */
    Session.Part openCoinAndBits() {
        byte[] opening = checkCoin.opening();
        gkBits = new long[s.parties];
        gkBits[s.self] = a.bits[lay.g0() >>> 6] & rhoMask;
        long[] myGkMacs = new long[2 * rho * (s.parties - 1)];
        for (int k = 0, slot = 0; k < s.parties; k++) {
            if (s.isPeer(k)) {
                System.arraycopy(a.macs[k], 2 * lay.g0(), myGkMacs, 2 * rho * slot++, 2 * rho);
            }
        }
        gkMacs = new long[s.parties][];
        gkMacs[s.self] = myGkMacs;
        round = new byte[s.parties][];
        round[s.self] = concat(opening, Blocks.toBytes(withHeader(gkBits[s.self], myGkMacs)));
        return new Session.Part(PHASE, (p, ch) -> {
            ch.write(opening);
            ch.writeLongs(new long[] {gkBits[s.self]});
            ch.writeLongs(myGkMacs);
        }, (p, ch) -> {
            byte[] o = checkCoin.readOpening(p, ch);
            long[] bits = new long[1];
            ch.readLongs(bits);
            if ((bits[0] & ~rhoMask) != 0) {
                throw new MpcAbortException("protocol", p, "global-key bits out of range");
            }
            gkBits[p] = bits[0];
            gkMacs[p] = new long[myGkMacs.length];
            ch.readLongs(gkMacs[p]);
            round[p] = concat(o, Blocks.toBytes(withHeader(gkBits[p], gkMacs[p])));
        });
    }

    void afterOpenCoinAndBits() {
        s.recordBroadcast("abit-coin-and-sacrificed-bits", round);
    }

    // ---- round 3: combinations with their MACs; open d_b and check every party's key sum ----

    /** Round 3: the random combinations with their MACs, and the key sums; both checked on reading. */
    Session.Part combinationsAndKeySums() {
        int covered = lay.c0();
        long[] coef = new long[covered];
        Prg.fromSeed(checkCoin.value()).nextLongs(coef, 0, covered);
        for (int k = 0; k < covered; k++) {
            coef[k] &= rhoMask;
        }
        long x = combineBits(a.bits, coef, covered) ^ (a.bits[lay.c0() >>> 6] & rhoMask);
        long allBits = 0;
        for (int p = 0; p < s.parties; p++) {
            allBits ^= gkBits[p];
        }
        long myB = allBits ^ gkBits[s.self];
        long[] open = new long[2 * rho];
        byte[] openRand = new byte[rho * Commitment.RANDOMNESS_BYTES];
        for (int t = 0; t < rho; t++) {
            boolean b = ((myB >>> t) & 1) != 0;
            System.arraycopy(b ? d1 : d0, 2 * t, open, 2 * t, 2);
            System.arraycopy(b ? rand1[t] : rand0[t], 0, openRand, t * Commitment.RANDOMNESS_BYTES,
                    Commitment.RANDOMNESS_BYTES);
        }
        round = new byte[s.parties][];
        round[s.self] = concat(Blocks.toBytes(withHeader(x, open)), openRand);
        long all = allBits;
        return new Session.Part(PHASE, (p, ch) -> {
            long[] macs = combineBlocks(a.macs[p], coef, covered);
            Blocks.xorInto(macs, 0, a.macs[p], 2 * lay.c0(), rho);
            ch.writeLongs(new long[] {x});
            ch.write(s.digest(macs, 0, 2 * rho));
            ch.writeLongs(open);
            ch.write(openRand);
        }, (i, ch) -> {
            long[] xi = new long[1];
            ch.readLongs(xi);
            byte[] digest = ch.readBytes(32);
            long[] d = new long[2 * rho];
            ch.readLongs(d);
            byte[] r = ch.readBytes(openRand.length);
            round[i] = concat(Blocks.toBytes(withHeader(xi[0], d)), r);
            checkCombinations(i, xi[0], digest, coef, covered);
            checkKeySums(i, all ^ gkBits[i], d, r);
        });
    }

    void afterCombinationsAndKeySums() {
        s.recordBroadcast("abit-combinations-and-key-sums", round);
        round = null;
    }

    private void checkCombinations(int p, long xp, byte[] digest, long[] coef, int covered) {
        if ((xp & ~rhoMask) != 0) {
            throw new MpcAbortException("protocol", p, "combination bits out of range");
        }
        long[] expected = combineBlocks(a.keys[p], coef, covered);
        Blocks.xorInto(expected, 0, a.keys[p], 2 * lay.c0(), rho);
        for (int c = 0; c < rho; c++) {
            if (((xp >>> c) & 1) != 0) {
                expected[2 * c] ^= s.deltaLo;
                expected[2 * c + 1] ^= s.deltaHi;
            }
        }
        if (!MessageDigest.isEqual(digest, s.digest(expected, 0, 2 * rho))
                && !s.deviation.at(Deviation.Kind.SECOND_GLOBAL_KEY, p)) {
            throw new MpcAbortException("abit-mac", p,
                    "the random combinations of its authenticated bits do not match their MACs");
        }
    }

    /** Party i's opened key sums d_t against its commitments and against everybody's MACs under Δ_i. */
    private void checkKeySums(int i, long bi, long[] d, byte[] r) {
        for (int t = 0; t < rho; t++) {
            int b = (int) ((bi >>> t) & 1);
            byte[] c = java.util.Arrays.copyOfRange(gkCommitments[i], (2 * t + b) * Commitment.BYTES,
                    (2 * t + b + 1) * Commitment.BYTES);
            byte[] rt = java.util.Arrays.copyOfRange(r, t * Commitment.RANDOMNESS_BYTES,
                    (t + 1) * Commitment.RANDOMNESS_BYTES);
            if (!Commitment.verify(c, i, rt, block(d, t))) {
                throw new MpcAbortException("global-key", i, "opened key sum does not match its commitment");
            }
            long lo = 0;
            long hi = 0;
            for (int k = 0; k < s.parties; k++) {
                if (k == i) {
                    continue;
                }
                if (k == s.self) {
                    lo ^= a.macs[i][2 * (lay.g0() + t)];
                    hi ^= a.macs[i][2 * (lay.g0() + t) + 1];
                } else {
                    int slot = i < k ? i : i - 1;
                    lo ^= gkMacs[k][2 * rho * slot + 2 * t];
                    hi ^= gkMacs[k][2 * rho * slot + 2 * t + 1];
                }
            }
            if (lo != d[2 * t] || hi != d[2 * t + 1]) {
                throw new MpcAbortException("global-key", i,
                        "its keys towards different parties do not share one global key");
            }
        }
    }

    // ---- random combinations ----

    /** ⊕ of coef[k] over the k below {@code count} whose bit is set. */
    static long combineBits(long[] bits, long[] coef, int count) {
        long x = 0;
        for (int w = 0; w < (count + 63) >>> 6; w++) {
            long word = bits[w];
            if (w == (count - 1) >>> 6 && (count & 63) != 0) {
                word &= (1L << (count & 63)) - 1;
            }
            while (word != 0) {
                int k = (w << 6) + Long.numberOfTrailingZeros(word);
                x ^= coef[k];
                word &= word - 1;
            }
        }
        return x;
    }

    /**
     * For every combination c (bit c of the coefficients), the ⊕ of the blocks k below
     * {@code count} with bit c of coef[k] set. Blocks are first sorted into 256 buckets per byte of
     * coefficient (one XOR per block per byte), then each combination XORs the 128 buckets whose
     * index has its bit: about 5 block XORs per block for 40 combinations instead of 20.
     */
    static long[] combineBlocks(long[] blocks, long[] coef, int count) {
        int combos = 64 - Long.numberOfLeadingZeros(orAll(coef, count));
        int chunks = (combos + 7) >>> 3;
        long[] buckets = new long[chunks * 512];
        for (int k = 0; k < count; k++) {
            long c = coef[k];
            long lo = blocks[2 * k];
            long hi = blocks[2 * k + 1];
            for (int q = 0; q < chunks; q++) {
                int idx = ((q << 8) | (int) ((c >>> (8 * q)) & 0xff)) << 1;
                buckets[idx] ^= lo;
                buckets[idx + 1] ^= hi;
            }
        }
        long[] out = new long[2 * Math.max(combos, 64)];
        for (int q = 0; q < chunks; q++) {
            for (int v = 1; v < 256; v++) {
                long lo = buckets[((q << 8) | v) << 1];
                long hi = buckets[(((q << 8) | v) << 1) + 1];
                for (int bit = 0; bit < 8; bit++) {
                    if (((v >>> bit) & 1) != 0) {
                        out[2 * (8 * q + bit)] ^= lo;
                        out[2 * (8 * q + bit) + 1] ^= hi;
                    }
                }
            }
        }
        return out;
    }

    private static long orAll(long[] coef, int count) {
        long o = 0;
        for (int k = 0; k < count; k++) {
            o |= coef[k];
        }
        return o;
    }

    // ---- small helpers ----

    private static byte[] block(long[] a, int t) {
        byte[] b = new byte[16];
        Blocks.toBytes(a, 2 * t, 2, b, 0);
        return b;
    }

    private static long[] withHeader(long h, long[] rest) {
        long[] r = new long[rest.length + 1];
        r[0] = h;
        System.arraycopy(rest, 0, r, 1, rest.length);
        return r;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
