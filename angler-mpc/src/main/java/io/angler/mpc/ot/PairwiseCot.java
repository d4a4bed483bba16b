package io.angler.mpc.ot;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.Ghash;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.Network;

/**
 * Correlated OT between this party and every peer, this party's global key Δ on its sender side.
 *
 * <p>Set-up does 128 public-key OTs per unordered pair of parties, not per direction: in the pair
 * (i, j) one party (alternating by index parity, so the work is balanced) is the base-OT sender;
 * the other chooses with the bits of its Δ, which gives the IKNP extension in which it holds Δ.
 * That extension, run once for 128 COTs in which the first party chooses its own Δ and checked
 * like any other, yields 128 random OTs in the opposite direction (hashed with a tweakable
 * correlation-robust hash), which seed the other extension. All peers are served concurrently:
 * every step writes to all peers before reading from any.
 *
 * <p>{@link #extend} is IKNP with the KOS consistency check: the receiver pads its bits with 256
 * random ones, sends the 128-column matrix, the sender answers with a fresh random challenge h,
 * the receiver opens X = Σ x_k h^(m-k) and T = Σ t_k h^(m-k), and the sender checks
 * T = Σ K_k h^(m-k) ⊕ X·Δ in GF(2^128). A receiver whose bits differ between columns fails with
 * probability 1 - 2^-|guessed bits| (it can only learn Δ bits by guessing them), plus m/2^128.
 * Three flights per call, independent of the number of parties.
 *
 * <p>Not thread-safe: one protocol thread per party.
 */
public final class PairwiseCot {
    /** Random COTs appended to every extension so that the check's X reveals nothing. */
    static final int PAD = 256;
    static final int KAPPA = 128;
    /** Largest count per call: keeps every array index in range. */
    public static final int MAX_COUNT = 1 << 26;
    private static final long DERIVE_TWEAK = 0x616e676c65722d72L; // "angler-r"
    private static final byte[] PAIR_DOMAIN = "angler-cot-pair-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Network net;
    private final Prg prg;
    private final FixedKeyAes aes;
    private final CotSender[] senders;
    private final CotReceiver[] receivers;
    private final int reused;
    private final byte[] prgScratch = new byte[ColumnPrg.SCRATCH_BYTES];
    /** Matrix scratch reused across peers and calls (2m longs each). */
    private long[] scratchA = new long[0];
    private long[] scratchB = new long[0];

    private PairwiseCot(Network net, Prg prg, FixedKeyAes aes, CotSender[] senders, CotReceiver[] receivers,
                        int reused) {
        this.net = net;
        this.prg = prg;
        this.aes = aes;
        this.senders = senders;
        this.receivers = receivers;
        this.reused = reused;
    }

    /** Results of one {@link #extend} call; see there. */
    public record Extension(long[][] macs, long[][] keys) {
    }

    /** Whether {@code a} is the base-OT sender in its pair with {@code b}: alternates so each party sends about half. */
    static boolean isBaseSender(int a, int b) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        boolean lowSends = ((lo + hi) & 1) == 1;
        return lowSends == (a == lo);
    }

    /**
     * Base OTs with every peer (one set per unordered pair) and both extension directions prepared,
     * nothing reused. delta = (deltaLo, deltaHi) is this party's global key Δ (any value).
     *
     * @throws MpcAbortException {@code base-ot-point} or {@code cot-consistency} naming the peer,
     *     or a channel failure
     */
    public static PairwiseCot setup(Network net, long deltaLo, long deltaHi, Prg prg) {
        return setup(net, deltaLo, deltaHi, prg, null);
    }

    /**
     * As {@link #setup(Network, long, long, Prg)} with the node's long-lived Δ from {@code lease}:
     * with every peer that has the same cached pair state (same id, same stream positions) the pair
     * continues from it, with the others it does fresh base OTs (choosing with that Δ) and, when both
     * sides cache, the new pair state is kept by the lease. A mismatch is never an error.
     */
    public static PairwiseCot setup(Network net, CotCache.Lease lease, Prg prg) {
        return setup(net, lease.deltaLo(), lease.deltaHi(), prg, lease);
    }

    private static PairwiseCot setup(Network net, long deltaLo, long deltaHi, Prg prg, CotCache.Lease lease) {
        int self = net.self();
        int n = net.parties();
        Edwards25519 curve = new Edwards25519();
        FixedKeyAes aes = new FixedKeyAes();
        byte[] buf = new byte[ColumnPrg.SCRATCH_BYTES];
        CotSender[] senders = new CotSender[n];
        CotReceiver[] receivers = new CotReceiver[n];
        long[] delta = {deltaLo, deltaHi};

        // 1. every peer: what this party has cached for the pair and whether it caches at all; a
        //    base-OT sender also sends its A at once (cheap, and saves a flight when the pair is new)
        String[] ids = new String[n];
        PairState[] cached = new PairState[n];
        BaseOt.Sender[] baseSenders = new BaseOt.Sender[n];
        for (int p = 0; p < n; p++) {
            if (p != self) {
                ids[p] = lease == null ? null : net.identity(p);
                cached[p] = ids[p] == null ? null : lease.take(ids[p]);
                Channel ch = net.channel(p);
                ch.write(StateOffer.of(ids[p] != null, cached[p]).encode());
                if (isBaseSender(self, p)) {
                    baseSenders[p] = new BaseOt.Sender(self, p, KAPPA, prg, curve);
                    ch.write(baseSenders[p].firstMessage());
                }
                ch.flush();
            }
        }
        boolean[] fresh = new boolean[n];
        boolean[] keepNew = new boolean[n];
        byte[][] firsts = new byte[n][];
        int reused = 0;
        for (int p = 0; p < n; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                StateOffer theirs = StateOffer.read(ch);
                if (!isBaseSender(self, p)) {
                    firsts[p] = ch.readBytes(Edwards25519.POINT_BYTES);
                }
                boolean bothCache = ids[p] != null && theirs.caching();
                if (bothCache && theirs.matches(cached[p])) {
                    senders[p] = cached[p].sender;
                    receivers[p] = cached[p].receiver;
                    lease.reuse(ids[p], cached[p]);
                    reused++;
                    continue;
                }
                if (cached[p] != null && !theirs.caching()) {
                    lease.putBack(ids[p], cached[p]); // the peer does not cache this time; it may match later
                }
                fresh[p] = true;
                keepNew[p] = bothCache;
            }
        }

        // 2. new pairs, base-OT receivers choose with Δ: B_1..B_128; they hold Δ in the first extension
        byte[][] pairIds = new byte[n][];
        for (int p = 0; p < n; p++) {
            if (fresh[p] && baseSenders[p] == null) {
                Channel ch = net.channel(p);
                BaseOt.Receiver r = new BaseOt.Receiver(self, p, delta, KAPPA, prg, curve);
                byte[] reply = r.reply(firsts[p]);
                ch.write(reply);
                ch.flush();
                senders[p] = new CotSender(deltaLo, deltaHi, r.keys());
                pairIds[p] = pairId(firsts[p], reply);
            }
        }
        // 3. new pairs, base-OT senders: keys; then extend 128 COTs choosing their own Δ (to be reversed)
        int m = KAPPA + PAD;
        long[][] derivMacs = new long[n][];
        long[][] derivTails = new long[n][];
        long[][] derivBits = new long[n][];
        long[] t = new long[2 * m];
        long[] u = new long[2 * m];
        for (int p = 0; p < n; p++) {
            if (fresh[p] && baseSenders[p] != null) {
                Channel ch = net.channel(p);
                byte[] reply = ch.readBytes(KAPPA * Edwards25519.POINT_BYTES);
                BaseOt.Keys keys = baseSenders[p].finish(reply);
                pairIds[p] = pairId(baseSenders[p].firstMessage(), reply);
                receivers[p] = new CotReceiver(keys.k0(), keys.k1());
                derivBits[p] = paddedBits(KAPPA, delta, prg);
                derivMacs[p] = new long[2 * KAPPA];
                derivTails[p] = new long[2 * PAD];
                receivers[p].extend(derivBits[p], m, t, u, derivMacs[p], KAPPA, derivTails[p], aes, buf);
                ch.writeLongs(u);
                ch.flush();
            }
        }
        // 4. new pairs, base-OT receivers: keys of that extension, and a challenge
        long[][] derivKeys = new long[n][];
        long[][] derivKeyTails = new long[n][];
        byte[][] challenges = new byte[n][];
        for (int p = 0; p < n; p++) {
            if (fresh[p] && baseSenders[p] == null) {
                Channel ch = net.channel(p);
                ch.readLongs(u);
                derivKeys[p] = new long[2 * KAPPA];
                derivKeyTails[p] = new long[2 * PAD];
                senders[p].keys(u, m, t, derivKeys[p], KAPPA, derivKeyTails[p], aes, buf);
                challenges[p] = prg.nextBytes(16);
                ch.write(challenges[p]);
                ch.flush();
            }
        }
        // 5. new pairs, base-OT senders: open the check; their reversed OTs (choice Δ) seed the extension where they hold Δ
        for (int p = 0; p < n; p++) {
            if (fresh[p] && baseSenders[p] != null) {
                Channel ch = net.channel(p);
                Ghash h = Ghash.fromSeed(ch.readBytes(16));
                ch.writeLongs(CotReceiver.checkValues(h, derivBits[p], m, derivMacs[p], KAPPA, derivTails[p]));
                ch.flush();
                long[] seeds = new long[2 * KAPPA];
                derive(aes, pairIds[p], derivMacs[p], seeds);
                senders[p] = new CotSender(deltaLo, deltaHi, seeds);
            }
        }
        // 6. new pairs, base-OT receivers: verify; their reversed OTs' two messages seed the extension where they choose
        for (int p = 0; p < n; p++) {
            if (fresh[p] && baseSenders[p] == null) {
                long[] xt = new long[4];
                net.channel(p).readLongs(xt);
                if (!senders[p].check(Ghash.fromSeed(challenges[p]), derivKeys[p], KAPPA, derivKeyTails[p], m, xt)) {
                    throw new MpcAbortException("cot-consistency", p, "set-up extension failed the KOS check");
                }
                long[] k = derivKeys[p];
                long[] kDelta = k.clone();
                for (int i = 0; i < KAPPA; i++) {
                    kDelta[2 * i] ^= deltaLo;
                    kDelta[2 * i + 1] ^= deltaHi;
                }
                long[] s0 = new long[2 * KAPPA];
                long[] s1 = new long[2 * KAPPA];
                derive(aes, pairIds[p], k, s0);
                derive(aes, pairIds[p], kDelta, s1);
                receivers[p] = new CotReceiver(s0, s1);
            }
        }
        for (int p = 0; p < n; p++) {
            if (keepNew[p]) {
                lease.add(ids[p], new PairState(pairIds[p], senders[p], receivers[p]));
            }
        }
        return new PairwiseCot(net, prg, aes, senders, receivers, reused);
    }

    /** The id of a new pair's state: a hash of its base-OT transcript, the same at both ends and unique. */
    private static byte[] pairId(byte[] first, byte[] reply) {
        java.security.MessageDigest sha = sha256();
        sha.update(PAIR_DOMAIN);
        sha.update(first);
        sha.update(reply);
        return java.util.Arrays.copyOf(sha.digest(), 16);
    }

    /**
     * The reversed direction's seeds: H(k_i, tweak) for the 128 blocks k_i, the tweak made unique by
     * the pair's id (a node's Δ can outlive a pair, so tweaks must not repeat across pairs).
     */
    private static void derive(FixedKeyAes aes, byte[] pairId, long[] in, long[] out) {
        long[] idl = new long[2];
        Blocks.fromBytes(pairId, 0, idl, 0, 2);
        aes.tccrHash(in, 0, idl[0], idl[1] ^ DERIVE_TWEAK, out, 0, KAPPA);
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** Pairs this set-up continued from cached state rather than new base OTs. */
    public int reusedPairs() {
        return reused;
    }

    /** The first {@code count} bits of {@code bits}, padded with {@link #PAD} random bits to a multiple of 128. */
    private static long[] paddedBits(int count, long[] bits, Prg prg) {
        int m = paddedCount(count);
        long[] out = new long[m >>> 6];
        int full = count >>> 6;
        System.arraycopy(bits, 0, out, 0, full);
        if ((count & 63) != 0) {
            out[full] = bits[full] & ((1L << (count & 63)) - 1);
        }
        long[] pad = prg.nextBits(m - count);
        for (int k = 0; k < m - count; k++) {
            if (Blocks.bit(pad, k)) {
                Blocks.setBit(out, count + k, true);
            }
        }
        return out;
    }

    private static int paddedCount(int count) {
        return ((count + 127) & ~127) + PAD;
    }

    /**
     * Authenticates {@code count} bits of this party (packed, bit k = bit k%64 of long k/64) with
     * every peer and keys every peer's bits, in one batch; all parties call extend with the same
     * count in the same order.
     *
     * <p>macs[peer][2k..2k+1] = K ⊕ b_k·Δ_peer where the peer holds keys[self] = K for my bit k;
     * keys[peer][2k..2k+1] = my key K' for the peer's bit k, the peer holding K' ⊕ b'_k·Δ_self.
     * Entries for peer == self are null.
     *
     * <p>Each pair is KOS-checked on its own: a party's bits are consistent within each pair, not
     * necessarily the same towards every peer; the engine's authenticated bits prove that (the
     * abit-mac check, docs/mpc.md).
     *
     * @throws MpcAbortException {@code cot-consistency} naming a peer whose matrix was inconsistent,
     *     {@code cot-count} if a peer asked for another count, or a channel failure
     */
    public Extension extend(int count, long[] bits) {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("count must be 0.." + MAX_COUNT + ", got " + count);
        }
        if (bits.length < Blocks.longsForBits(count)) {
            throw new IllegalArgumentException("bits holds " + bits.length * 64L + " bits, fewer than count " + count);
        }
        int self = net.self();
        int n = net.parties();
        long[][] macs = new long[n][];
        long[][] keys = new long[n][];
        if (count == 0) {
            for (int p = 0; p < n; p++) {
                if (p != self) {
                    macs[p] = new long[0];
                    keys[p] = new long[0];
                }
            }
            return new Extension(macs, keys);
        }
        int m = paddedCount(count);
        if (scratchA.length < 2 * m) {
            scratchA = new long[2 * m];
            scratchB = new long[2 * m];
        }
        long[] t = scratchA;
        long[] u = scratchB;
        long[][] padded = new long[n][];
        long[][] macTails = new long[n][];
        long[][] keyTails = new long[n][];
        // 1. my bits to every peer: the count and the matrix u
        for (int p = 0; p < n; p++) {
            if (p != self) {
                padded[p] = paddedBits(count, bits, prg); // fresh padding per peer
                macs[p] = new long[2 * count];
                macTails[p] = new long[2 * (m - count)];
                receivers[p].extend(padded[p], m, t, u, macs[p], count, macTails[p], aes, prgScratch);
                Channel ch = net.channel(p);
                ch.writeInt(count); // so that a mismatch is reported as such
                ch.writeLongs(u, 0, 2 * m);
                ch.flush();
            }
        }
        // 2. every peer's matrix: keys; then a challenge
        byte[][] challenges = new byte[n][];
        for (int p = 0; p < n; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                int theirs = ch.readInt();
                if (theirs != count) {
                    throw new MpcAbortException("cot-count", p, "peer extends " + theirs + " bits in this call, this party "
                            + count + ": every party must call extend with the same count in the same order");
                }
                ch.readLongs(u, 0, 2 * m);
                keys[p] = new long[2 * count];
                keyTails[p] = new long[2 * (m - count)];
                senders[p].keys(u, m, t, keys[p], count, keyTails[p], aes, prgScratch);
                challenges[p] = prg.nextBytes(16);
                ch.write(challenges[p]);
                ch.flush();
            }
        }
        // 3. answer every challenge: (X, T) per peer
        for (int p = 0; p < n; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                long[] xt = CotReceiver.checkValues(Ghash.fromSeed(ch.readBytes(16)), padded[p], m, macs[p], count,
                        macTails[p]);
                ch.writeLongs(xt);
                ch.flush();
                padded[p] = null;
                macTails[p] = null;
            }
        }
        // 4. check every answer
        for (int p = 0; p < n; p++) {
            if (p != self) {
                long[] xt = new long[4];
                net.channel(p).readLongs(xt);
                if (!senders[p].check(Ghash.fromSeed(challenges[p]), keys[p], count, keyTails[p], m, xt)) {
                    throw new MpcAbortException("cot-consistency", p, "the correlated OT matrix failed the KOS check");
                }
                keyTails[p] = null;
            }
        }
        return new Extension(macs, keys);
    }

    /** The network this instance runs on. */
    public Network network() {
        return net;
    }

    /** Package-private access for tests that play a cheating party. */
    CotReceiver receiverFor(int peer) {
        return receivers[peer];
    }

    CotSender senderFor(int peer) {
        return senders[peer];
    }

    FixedKeyAes aes() {
        return aes;
    }
}
