package io.angler.mpc.ot;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.FixedKeyAes;
import io.angler.mpc.crypto.PolyHash;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.Network;
import java.util.Arrays;

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

    private final Network net;
    private final Prg prg;
    private final FixedKeyAes aes;
    private final CotSender[] senders;
    private final CotReceiver[] receivers;

    private PairwiseCot(Network net, Prg prg, FixedKeyAes aes, CotSender[] senders, CotReceiver[] receivers) {
        this.net = net;
        this.prg = prg;
        this.aes = aes;
        this.senders = senders;
        this.receivers = receivers;
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
     * Base OTs with every peer (one set per unordered pair) and both extension directions prepared.
     * delta = (deltaLo, deltaHi) is this party's global key Δ (any value).
     *
     * @throws MpcAbortException {@code base-ot-point} or {@code cot-consistency} naming the peer,
     *     or a channel failure
     */
    public static PairwiseCot setup(Network net, long deltaLo, long deltaHi, Prg prg) {
        int self = net.self();
        int n = net.parties();
        Edwards25519 curve = new Edwards25519();
        FixedKeyAes aes = new FixedKeyAes();
        CotSender[] senders = new CotSender[n];
        CotReceiver[] receivers = new CotReceiver[n];
        long[] delta = {deltaLo, deltaHi};

        // 1. base-OT senders: A
        BaseOt.Sender[] baseSenders = new BaseOt.Sender[n];
        for (int p = 0; p < n; p++) {
            if (p != self && isBaseSender(self, p)) {
                baseSenders[p] = new BaseOt.Sender(self, p, KAPPA, prg, curve);
                net.channel(p).write(baseSenders[p].firstMessage());
                net.channel(p).flush();
            }
        }
        // 2. base-OT receivers choose with Δ: B_1..B_128; they hold Δ in the first extension
        for (int p = 0; p < n; p++) {
            if (p != self && !isBaseSender(self, p)) {
                Channel ch = net.channel(p);
                BaseOt.Receiver r = new BaseOt.Receiver(self, p, delta, KAPPA, prg, curve);
                ch.write(r.reply(ch.readBytes(Edwards25519.POINT_BYTES)));
                ch.flush();
                senders[p] = new CotSender(deltaLo, deltaHi, r.keys(), aes);
            }
        }
        // 3. base-OT senders: keys; then extend 128 COTs choosing their own Δ (to be reversed)
        int m = KAPPA + PAD;
        long[][] derivMacs = new long[n][];
        long[][] derivBits = new long[n][];
        for (int p = 0; p < n; p++) {
            if (baseSenders[p] != null) {
                Channel ch = net.channel(p);
                BaseOt.Keys keys = baseSenders[p].finish(ch.readBytes(KAPPA * Edwards25519.POINT_BYTES));
                receivers[p] = new CotReceiver(keys.k0(), keys.k1(), aes);
                derivBits[p] = paddedBits(KAPPA, delta, prg);
                derivMacs[p] = new long[2 * m];
                ch.writeLongs(receivers[p].extend(derivBits[p], m, derivMacs[p]));
                ch.flush();
            }
        }
        // 4. base-OT receivers: keys of that extension, and a challenge
        long[][] derivKeys = new long[n][];
        byte[][] challenges = new byte[n][];
        for (int p = 0; p < n; p++) {
            if (p != self && baseSenders[p] == null) {
                Channel ch = net.channel(p);
                long[] u = new long[2 * m];
                ch.readLongs(u);
                derivKeys[p] = senders[p].keys(u, m);
                challenges[p] = prg.nextBytes(16);
                ch.write(challenges[p]);
                ch.flush();
            }
        }
        // 5. base-OT senders: open the check; their reversed OTs (choice Δ) seed the extension where they hold Δ
        for (int p = 0; p < n; p++) {
            if (baseSenders[p] != null) {
                Channel ch = net.channel(p);
                PolyHash h = PolyHash.fromSeed(ch.readBytes(16));
                ch.writeLongs(CotReceiver.checkValues(h, derivBits[p], derivMacs[p], m));
                ch.flush();
                long[] seeds = new long[2 * KAPPA];
                aes.tccrHash(derivMacs[p], 0, 0, DERIVE_TWEAK, seeds, 0, KAPPA);
                senders[p] = new CotSender(deltaLo, deltaHi, seeds, aes);
            }
        }
        // 6. base-OT receivers: verify; their reversed OTs' two messages seed the extension where they choose
        for (int p = 0; p < n; p++) {
            if (p != self && baseSenders[p] == null) {
                long[] xt = new long[4];
                net.channel(p).readLongs(xt);
                if (!senders[p].check(PolyHash.fromSeed(challenges[p]), derivKeys[p], m, xt)) {
                    throw new MpcAbortException("cot-consistency", p, "set-up extension failed the KOS check");
                }
                long[] k = derivKeys[p];
                long[] kDelta = Arrays.copyOf(k, 2 * KAPPA);
                for (int i = 0; i < KAPPA; i++) {
                    kDelta[2 * i] ^= deltaLo;
                    kDelta[2 * i + 1] ^= deltaHi;
                }
                long[] s0 = new long[2 * KAPPA];
                long[] s1 = new long[2 * KAPPA];
                aes.tccrHash(k, 0, 0, DERIVE_TWEAK, s0, 0, KAPPA);
                aes.tccrHash(kDelta, 0, 0, DERIVE_TWEAK, s1, 0, KAPPA);
                receivers[p] = new CotReceiver(s0, s1, aes);
            }
        }
        return new PairwiseCot(net, prg, aes, senders, receivers);
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
     * @throws MpcAbortException {@code cot-consistency} naming a peer whose matrix was inconsistent,
     *     or a channel failure
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
        long[][] padded = new long[n][];
        // 1. my bits to every peer: the matrix u
        for (int p = 0; p < n; p++) {
            if (p != self) {
                padded[p] = paddedBits(count, bits, prg); // fresh padding per peer
                macs[p] = new long[2 * m];
                net.channel(p).writeLongs(receivers[p].extend(padded[p], m, macs[p]));
                net.channel(p).flush();
            }
        }
        // 2. every peer's matrix: keys, and a challenge
        byte[][] challenges = new byte[n][];
        long[] u = new long[2 * m];
        for (int p = 0; p < n; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                ch.readLongs(u);
                keys[p] = senders[p].keys(u, m);
                challenges[p] = prg.nextBytes(16);
                ch.write(challenges[p]);
                ch.flush();
            }
        }
        u = null;
        // 3. answer every challenge
        for (int p = 0; p < n; p++) {
            if (p != self) {
                Channel ch = net.channel(p);
                PolyHash h = PolyHash.fromSeed(ch.readBytes(16));
                ch.writeLongs(CotReceiver.checkValues(h, padded[p], macs[p], m));
                ch.flush();
                padded[p] = null;
            }
        }
        // 4. check every answer
        long[] xt = new long[4];
        for (int p = 0; p < n; p++) {
            if (p != self) {
                net.channel(p).readLongs(xt);
                if (!senders[p].check(PolyHash.fromSeed(challenges[p]), keys[p], m, xt)) {
                    throw new MpcAbortException("cot-consistency", p, "the correlated OT matrix failed the KOS check");
                }
            }
        }
        for (int p = 0; p < n; p++) {
            if (p != self) {
                macs[p] = Arrays.copyOf(macs[p], 2 * count);
                keys[p] = Arrays.copyOf(keys[p], 2 * count);
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

    FixedKeyAes aes() {
        return aes;
    }
}
