package io.angler.mpc.wrk;

/**
 * Settings of a WRK session. Every party of a session must use the same settings.
 *
 * @param statisticalSecurity ρ: a cheating party goes undetected with probability at most 2^-ρ
 *     (the checks' random combinations and the bucketing of AND triples are sized for it); 40 to 63
 */
public record WrkOptions(int statisticalSecurity) {
    /** 40-bit statistical security (and 128-bit computational security, fixed by the primitives). */
    public static final WrkOptions DEFAULT = new WrkOptions(40);

    public WrkOptions {
        if (statisticalSecurity < 40 || statisticalSecurity > 63) {
            throw new IllegalArgumentException("wrk: statistical security " + statisticalSecurity
                    + " is outside 40..63 bits");
        }
    }
}
