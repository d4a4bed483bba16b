package io.angler.mpc.circuit;

import java.util.Arrays;

/**
 * Who learns each output bit of a circuit: bit {@code p} of {@code recipients(i)} is set when party
 * {@code p} (0-based, at most 64 parties) learns output bit {@code i}. A party not named for a bit
 * learns nothing about it; the engine authenticates every bit it delivers.
 */
public final class OutputPlan {
    public static final int MAX_PARTIES = 64;

    private final long[] recipients;

    private OutputPlan(long[] recipients) {
        this.recipients = recipients;
    }

    /**
     * @param recipients per output bit, the bit mask of parties that learn it
     * @throws IllegalArgumentException if an output bit has no recipient
     */
    public static OutputPlan of(long[] recipients) {
        for (int i = 0; i < recipients.length; i++) {
            if (recipients[i] == 0) {
                throw new IllegalArgumentException("output plan: output bit " + i + " has no recipient");
            }
        }
        return new OutputPlan(recipients.clone());
    }

    /** Every party learns every output bit. */
    public static OutputPlan everyone(Circuit circuit, int parties) {
        if (parties < 1 || parties > MAX_PARTIES) {
            throw new IllegalArgumentException("output plan: " + parties + " parties is outside 1.." + MAX_PARTIES);
        }
        long all = parties == 64 ? -1L : (1L << parties) - 1;
        long[] r = new long[circuit.outputBits()];
        Arrays.fill(r, all);
        return new OutputPlan(r);
    }

    public int outputBits() {
        return recipients.length;
    }

    public long recipients(int outputBit) {
        return recipients[outputBit];
    }

    public boolean learns(int party, int outputBit) {
        return ((recipients[outputBit] >>> party) & 1) != 0;
    }

    /** The output bits {@code party} learns, in ascending order. */
    public int[] bitsOf(int party) {
        if (party < 0 || party >= MAX_PARTIES) {
            throw new IllegalArgumentException("output plan: party " + party + " is outside 0.." + (MAX_PARTIES - 1));
        }
        int n = 0;
        for (long r : recipients) {
            n += (int) ((r >>> party) & 1);
        }
        int[] bits = new int[n];
        int k = 0;
        for (int i = 0; i < recipients.length; i++) {
            if (((recipients[i] >>> party) & 1) != 0) {
                bits[k++] = i;
            }
        }
        return bits;
    }

    /** Checks that the plan fits a circuit and a party count. */
    public void check(Circuit circuit, int parties) {
        if (recipients.length != circuit.outputBits()) {
            throw new IllegalArgumentException("output plan: covers " + recipients.length + " bits but the circuit has "
                    + circuit.outputBits() + " outputs");
        }
        long allowed = parties >= 64 ? -1L : (1L << parties) - 1;
        for (int i = 0; i < recipients.length; i++) {
            if ((recipients[i] & ~allowed) != 0) {
                throw new IllegalArgumentException("output plan: output bit " + i + " names a party beyond " + (parties - 1));
            }
        }
    }
}
