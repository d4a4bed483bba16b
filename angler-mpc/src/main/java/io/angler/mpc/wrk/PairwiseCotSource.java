package io.angler.mpc.wrk;

import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;
import io.angler.mpc.ot.PairwiseCot;

/** The engine's source of authenticated bits: {@link PairwiseCot} (base OT, then IKNP with the KOS check). */
final class PairwiseCotSource implements CorrelatedOt {
    private PairwiseCot cot;

    @Override
    public void setup(Network net, long deltaLo, long deltaHi, Prg prg, CotCache.Lease lease) {
        cot = lease == null ? PairwiseCot.setup(net, deltaLo, deltaHi, prg) : PairwiseCot.setup(net, lease, prg);
    }

    @Override
    public int reusedPairs() {
        return cot == null ? 0 : cot.reusedPairs();
    }

    @Override
    public Shares extend(int self, int count, long[] bits) {
        PairwiseCot.Extension e = cot.extend(count, bits);
        return new Shares(self, count, bits, e.macs(), e.keys());
    }
}
