package io.angler.mpc.crypto;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.Network;

/**
 * Joint random coins: every party commits to a random share, then all open, and the coins are
 * the XOR of the shares. As long as one party is honest the result is uniform, and nobody can
 * choose its share after seeing the others'. Two rounds.
 */
public final class CoinToss {
    private CoinToss() {
    }

    /**
     * Runs the coin toss among all parties of {@code net}.
     *
     * @throws MpcAbortException {@code coin-toss-opening} if a peer's opening does not match its commitment
     */
    public static byte[] toss(Network net, int bytes, Prg prg) {
        int self = net.self();
        byte[] share = prg.nextBytes(bytes);
        byte[] r = prg.nextBytes(Commitment.RANDOMNESS_BYTES);
        byte[] c = Commitment.commit(self, r, share);
        for (int p = 0; p < net.parties(); p++) {
            if (p != self) {
                net.channel(p).write(c);
            }
        }
        net.flushAll();
        byte[][] commitments = new byte[net.parties()][];
        for (int p = 0; p < net.parties(); p++) {
            if (p != self) {
                commitments[p] = net.channel(p).readBytes(Commitment.BYTES);
            }
        }
        for (int p = 0; p < net.parties(); p++) {
            if (p != self) {
                net.channel(p).write(r);
                net.channel(p).write(share);
            }
        }
        net.flushAll();
        byte[] coins = share.clone();
        for (int p = 0; p < net.parties(); p++) {
            if (p == self) {
                continue;
            }
            Channel ch = net.channel(p);
            byte[] pr = ch.readBytes(Commitment.RANDOMNESS_BYTES);
            byte[] ps = ch.readBytes(bytes);
            if (!Commitment.verify(commitments[p], p, pr, ps)) {
                throw new MpcAbortException("coin-toss-opening", p, "opening does not match the commitment");
            }
            for (int i = 0; i < bytes; i++) {
                coins[i] ^= ps[i];
            }
        }
        return coins;
    }
}
