package io.angler.mpc.wrk;

/**
 * Settings of a WRK session.
 *
 * @param statisticalSecurity ρ: a cheating party goes undetected with probability at most 2^-ρ
 *     (the checks' random combinations and the bucketing of AND triples are sized for it); 40 to 63.
 *     Every party of a session must use the same value.
 * @param reuseOt whether this party keeps its pairwise OT state between sessions where a cache is
 *     given ({@link WrkEngine#run(io.angler.mpc.net.Network, io.angler.mpc.circuit.Circuit,
 *     io.angler.mpc.circuit.OutputPlan, boolean[], WrkOptions, io.angler.mpc.ot.CotCache)}); parties
 *     may differ (a pair reuses its state only if both sides have it)
 */
public record WrkOptions(int statisticalSecurity, boolean reuseOt) {
    /** 40-bit statistical security (and 128-bit computational security, fixed by the primitives); OT reuse on. */
    public static final WrkOptions DEFAULT = new WrkOptions(40, true);

    public WrkOptions {
        if (statisticalSecurity < 40 || statisticalSecurity > 63) {
            throw new IllegalArgumentException("wrk: statistical security " + statisticalSecurity
                    + " is outside 40..63 bits");
        }
    }

    /** ρ = {@code statisticalSecurity}, OT reuse on. */
    public WrkOptions(int statisticalSecurity) {
        this(statisticalSecurity, true);
    }

    /** These settings with OT reuse on or off. */
    public WrkOptions withOtReuse(boolean on) {
        return new WrkOptions(statisticalSecurity, on);
    }
}
