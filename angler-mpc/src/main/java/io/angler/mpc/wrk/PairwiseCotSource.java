package io.angler.mpc.wrk;

import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Network;

/** Correlated OT through io.angler.mpc.ot.PairwiseCot (branch mpc-ot); wired in when that lands. */
final class PairwiseCotSource implements CorrelatedOt {
    @Override
    public void setup(Network net, long deltaLo, long deltaHi, Prg prg) {
        throw new UnsupportedOperationException("PairwiseCot has not landed yet");
    }

    @Override
    public Shares extend(int self, int count, long[] bits) {
        throw new UnsupportedOperationException("PairwiseCot has not landed yet");
    }
}
