package io.angler.mpc.wrk;

/**
 * Sees the tweak of every hash a party computes under its own Δ; a test seam, which only
 * {@link WrkEngine}'s package-private entry point takes (the public API runs without one). With OT
 * state reused one Δ serves many sessions and no tweak may repeat under it (docs/mpc.md,
 * "Reusing OT state across sessions"): a test runs sessions sharing a cache and checks what it saw.
 */
interface TweakObserver {
    /** The half-ANDs towards one peer: both hashes of triple k use the tweak (lo + k, hi), k &lt; count. */
    void halfAnd(long lo, long hi, int count);

    /** One garbled row: its pad block t &lt; count hashes σ(A) ⊕ σ²(B) ⊕ (lo ⊕ t, hi). */
    void garbledRow(long lo, long hi, int count);
}
