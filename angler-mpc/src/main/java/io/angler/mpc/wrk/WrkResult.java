package io.angler.mpc.wrk;

import java.util.List;

/**
 * What one party got from a WRK session: the output bits it is a recipient of, and where the time
 * and traffic went.
 */
public final class WrkResult {
    private final byte[] outputs; // 0, 1, or -1 when not learned
    private final List<PhaseStats> phases;
    private final int reusedOtPairs;

    WrkResult(byte[] outputs, List<PhaseStats> phases, int reusedOtPairs) {
        this.outputs = outputs;
        this.phases = List.copyOf(phases);
        this.reusedOtPairs = reusedOtPairs;
    }

    /** With how many peers this session continued cached OT state instead of doing base OTs. */
    public int reusedOtPairs() {
        return reusedOtPairs;
    }

    public int outputBits() {
        return outputs.length;
    }

    /** Whether this party learned output bit {@code i} (it is one of the bit's recipients). */
    public boolean learned(int i) {
        return outputs[i] >= 0;
    }

    /**
     * The value of output bit {@code i}.
     *
     * @throws IllegalStateException if this party is not a recipient of the bit
     */
    public boolean value(int i) {
        if (outputs[i] < 0) {
            throw new IllegalStateException("output bit " + i + " was not delivered to this party");
        }
        return outputs[i] == 1;
    }

    /** Every output bit, when this party learned all of them. */
    public boolean[] values() {
        boolean[] r = new boolean[outputs.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = value(i);
        }
        return r;
    }

    /** Per phase, in protocol order: time, bytes, rounds. */
    public List<PhaseStats> phases() {
        return phases;
    }

    public double totalMillis() {
        return PhaseStats.total(phases).millis();
    }

    public double cpuMillis() {
        return PhaseStats.total(phases).cpuMillis();
    }

    public long bytesSent() {
        return PhaseStats.total(phases).bytesSent();
    }

    public long bytesReceived() {
        return PhaseStats.total(phases).bytesReceived();
    }

    public long rounds() {
        return PhaseStats.total(phases).rounds();
    }
}
