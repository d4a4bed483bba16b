package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Commitment;
import io.angler.mpc.net.Channel;

/**
 * A 128-bit coin tossed by all parties: each commits to a random share early, and opens it only
 * when the coin is needed, after everything the coin must not influence is fixed. The coin is the
 * XOR of the shares, uniform as long as one party is honest.
 */
final class CommittedCoin {
    static final int OPENING_BYTES = 16 + Commitment.RANDOMNESS_BYTES;

    private final Session s;
    private final byte[] share;
    private final byte[] randomness;
    private final byte[][] commitments;
    private final byte[] coin;

    CommittedCoin(Session s) {
        this.s = s;
        this.share = s.prg.nextBytes(16);
        this.randomness = s.prg.nextBytes(Commitment.RANDOMNESS_BYTES);
        this.commitments = new byte[s.parties][];
        this.commitments[s.self] = Commitment.commit(s.self, randomness, share);
        this.coin = share.clone();
    }

    byte[] commitment() {
        return commitments[s.self];
    }

    void setCommitment(int peer, byte[] c) {
        commitments[peer] = c;
    }

    /** This party's opening: its share then the commitment's randomness. */
    byte[] opening() {
        byte[] o = new byte[OPENING_BYTES];
        System.arraycopy(share, 0, o, 0, 16);
        System.arraycopy(randomness, 0, o, 16, Commitment.RANDOMNESS_BYTES);
        if (s.deviation.is(Deviation.Kind.COIN_OPENING)) {
            o[0] ^= 1;
        }
        return o;
    }

    /** Reads and checks {@code peer}'s opening, folding its share into the coin. */
    byte[] readOpening(int peer, Channel ch) {
        byte[] o = ch.readBytes(OPENING_BYTES);
        byte[] peerShare = java.util.Arrays.copyOfRange(o, 0, 16);
        byte[] r = java.util.Arrays.copyOfRange(o, 16, OPENING_BYTES);
        if (!Commitment.verify(commitments[peer], peer, r, peerShare)) {
            throw new MpcAbortException("coin-toss-opening", peer, "opening does not match the commitment");
        }
        for (int i = 0; i < 16; i++) {
            coin[i] ^= peerShare[i];
        }
        return o;
    }

    /** The coin, once every peer's opening was read. */
    byte[] value() {
        return coin.clone();
    }
}
