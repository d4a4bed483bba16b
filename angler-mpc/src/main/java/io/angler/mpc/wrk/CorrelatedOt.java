package io.angler.mpc.wrk;

import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;

/**
 * Correlated OT with every peer under this party's global key Δ: the source of authenticated bits.
 * The engine runs on {@link PairwiseCotSource}; the interface exists so that a test can stand in
 * a different source (for instance one that gives a party two different keys towards two peers,
 * to show the global-key check catches it).
 */
interface CorrelatedOt {
    /**
     * Base OTs with every peer (or, with a {@code lease}, the node's cached state where the peer has
     * it too); Δ is this party's global key (the lease's, when there is one).
     *
     * @param lease the node's OT cache for this session, or null
     */
    void setup(Network net, long deltaLo, long deltaHi, io.angler.mpc.crypto.Prg prg, CotCache.Lease lease);

    /** Pairs the set-up continued from cached state. */
    default int reusedPairs() {
        return 0;
    }

    /**
     * Authenticates {@code count} bits of this party towards every peer and gives it keys for every
     * peer's {@code count} bits. All parties call it with the same count.
     *
     * @param bits this party's bits, packed (bit k is bit k%64 of long k/64)
     * @return shares whose {@code bits} are {@code bits}, with MACs and keys for every peer
     */
    Shares extend(int self, int count, long[] bits);
}
