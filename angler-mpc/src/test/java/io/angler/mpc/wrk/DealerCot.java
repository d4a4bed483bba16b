package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;

/**
 * TEST DOUBLE: a trusted dealer that hands every party correlated-OT outputs directly, with no
 * cryptography and no traffic. It lets tests exercise everything above OT in isolation, and make
 * a party use a different global key towards one peer (which real pairwise OT allows a cheater to
 * do) to show that the global-key check catches it. The engine never uses it.
 */
final class DealerCot {
    private final int parties;
    private final long[][] deltaTowards; // [holder][peer] -> {lo, hi}: the key holder's Δ used towards peer
    private final long[][] bits;
    private final Shares[] results;
    private final Prg prg = Prg.secure();
    private int deposited;
    private int generation;
    private int skewHolder = -1;
    private int skewPeer = -1;

    DealerCot(int parties) {
        this.parties = parties;
        this.deltaTowards = new long[parties][];
        this.bits = new long[parties][];
        this.results = new Shares[parties];
    }

    /** Party {@code holder} will use a different Δ towards {@code peer} than towards everyone else. */
    DealerCot skewDelta(int holder, int peer) {
        this.skewHolder = holder;
        this.skewPeer = peer;
        return this;
    }

    /** Party {@code self}'s view of the dealer. */
    CorrelatedOt party(int self) {
        return new CorrelatedOt() {
            @Override
            public void setup(Network net, long deltaLo, long deltaHi, Prg ignored, CotCache.Lease lease) {
                synchronized (DealerCot.this) {
                    deltaTowards[self] = new long[] {deltaLo, deltaHi};
                }
            }

            @Override
            public Shares extend(int me, int count, long[] myBits) {
                return deal(me, count, myBits);
            }
        };
    }

    private synchronized Shares deal(int self, int count, long[] myBits) {
        int gen = generation;
        bits[self] = myBits;
        deposited++;
        if (deposited == parties) {
            computeAll(count);
            deposited = 0;
            generation++;
            notifyAll();
        } else {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (generation == gen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new MpcAbortException("timeout", -1, "dealer: not every party asked for OT");
                }
                try {
                    wait(left / 1_000_000 + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MpcAbortException("timeout", -1, "dealer: interrupted");
                }
            }
        }
        Shares r = results[self];
        results[self] = null;
        return r;
    }

    private void computeAll(int count) {
        for (int p = 0; p < parties; p++) {
            results[p] = new Shares(parties, p, count);
            System.arraycopy(bits[p], 0, results[p].bits, 0, results[p].bits.length);
        }
        for (int holder = 0; holder < parties; holder++) {
            for (int peer = 0; peer < parties; peer++) {
                if (holder == peer) {
                    continue;
                }
                long dLo = deltaTowards[holder][0];
                long dHi = deltaTowards[holder][1] ^ (holder == skewHolder && peer == skewPeer ? 1L << 33 : 0);
                long[] keys = results[holder].keys[peer];
                long[] macs = results[peer].macs[holder];
                prg.nextLongs(keys, 0, 2 * count);
                for (int k = 0; k < count; k++) {
                    long m = -((bits[peer][k >>> 6] >>> (k & 63)) & 1);
                    macs[2 * k] = keys[2 * k] ^ (m & dLo);
                    macs[2 * k + 1] = keys[2 * k + 1] ^ (m & dHi);
                }
            }
        }
    }
}
