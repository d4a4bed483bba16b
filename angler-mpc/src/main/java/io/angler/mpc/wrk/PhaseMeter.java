package io.angler.mpc.wrk;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one party's session goes, per phase: wall and CPU time of the protocol thread, bytes
 * written and read, and messages flushed to each peer. The current phase changes at code
 * boundaries; a round that carries several phases' messages attributes each message's bytes to
 * its own phase (through {@link MeteredNetwork}), and the waiting to the round's main phase.
 */
final class PhaseMeter {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int parties;
    private final Map<String, long[]> totals = new LinkedHashMap<>(); // nanos, cpu, sent, received
    private final Map<String, long[]> flushes = new LinkedHashMap<>(); // per peer
    private String current;
    private long[] currentTotals;
    private long[] currentFlushes;
    private long start;
    private long cpuStart;

    PhaseMeter(int parties) {
        this.parties = parties;
    }

    /** Ends the current phase (if any) and starts {@code name} (null: stop metering). */
    void switchTo(String name) {
        if (name != null && name.equals(current)) {
            return;
        }
        long now = System.nanoTime();
        long cpu = cpuNanos();
        if (current != null) {
            currentTotals[0] += now - start;
            currentTotals[1] += cpu - cpuStart;
        }
        current = name;
        if (name != null) {
            currentTotals = totals.computeIfAbsent(name, k -> new long[4]);
            currentFlushes = flushes.computeIfAbsent(name, k -> new long[parties]);
        }
        start = now;
        cpuStart = cpu;
    }

    String current() {
        return current;
    }

    void sent(long bytes) {
        if (current != null) {
            currentTotals[2] += bytes;
        }
    }

    void received(long bytes) {
        if (current != null) {
            currentTotals[3] += bytes;
        }
    }

    void flushed(int peer) {
        if (current != null) {
            currentFlushes[peer]++;
        }
    }

    /** Per phase, in the order phases first appeared; rounds = most messages flushed to one peer. */
    List<PhaseStats> stats() {
        List<PhaseStats> r = new ArrayList<>();
        totals.forEach((name, t) -> {
            long rounds = 0;
            for (long f : flushes.get(name)) {
                rounds = Math.max(rounds, f);
            }
            r.add(new PhaseStats(name, t[0] / 1e6, t[1] / 1e6, t[2], t[3], rounds));
        });
        return r;
    }

    private static long cpuNanos() {
        try {
            long t = THREADS.getCurrentThreadCpuTime();
            return t < 0 ? 0 : t;
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }
}
