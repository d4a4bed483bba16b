package io.angler.mpc.wrk;

/**
 * A deliberate deviation from the protocol, for tests only: the narrow seam through which a test
 * makes one party cheat in one precise way, to show that the honest parties catch it. It is
 * package-private and only {@link WrkEngine}'s package-private entry point accepts it; the public
 * API always runs {@link #NONE}.
 *
 * @param kind what to do wrong
 * @param target the peer to cheat towards, or -1 for every peer
 */
record Deviation(Kind kind, int target) {
    static final Deviation NONE = new Deviation(Kind.NONE, -1);

    enum Kind {
        NONE,
        /** Open the coin-toss commitment to a different share. */
        COIN_OPENING,
        /** Flip one MAC of the correlated OT output towards the target (an inconsistent bit). */
        ABIT_MAC,
        /** Use a different global key towards the target: keys shifted by the bit's value times an offset. */
        GLOBAL_KEY,
        /**
         * With a test OT source that gave this party a second Δ towards the target: verify that
         * peer's MACs as a cheater would, without aborting on them.
         */
        SECOND_GLOBAL_KEY,
        /** Flip the half-AND bit of every leaky triple sent to the target. */
        HALF_AND_BIT,
        /** Flip the 127-bit check block of every leaky triple sent to the target (a selective-failure attempt). */
        CHECK_BLOCK,
        /** Announce a wrong e bit (the correction that authenticates z) for one triple. */
        TRIPLE_BIT,
        /** Open the leaky-AND check value to something other than what was committed. */
        CHECK_OPENING,
        /** Open a bucketing value (y1 ⊕ y2) with the bit flipped. */
        TRIPLE_OPENING,
        /** Send a different e bit to the target than to the other peers (a broken broadcast). */
        BROADCAST,
        /** Corrupt a row of the first AND gate's garbled table sent to the evaluator. */
        GARBLED_ROW,
        /** Send the owner of an input wire a flipped share of its mask. */
        INPUT_MASK,
        /** Send the target a different masked input than the other peers. */
        INPUT_BROADCAST,
        /** Send the evaluator the other label of an input wire (needs the key Δ: a garbler can). */
        INPUT_LABEL,
        /** Send a recipient a flipped share of an output mask. */
        OUTPUT_MASK,
        /** As evaluator, send a recipient a flipped masked output value. */
        OUTPUT_VALUE,
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** Whether this deviation is {@code k} towards {@code peer}. */
    boolean at(Kind k, int peer) {
        return kind == k && (target < 0 || target == peer);
    }
}
