package io.angler.mpc.placement;

import io.angler.mpc.wrk.PhaseStats;
import io.angler.mpc.wrk.WrkResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one party's placement went: the engine's phases in protocol order (wall time, CPU time,
 * bytes, rounds; see {@link PhaseStats}) and the circuit's size. Nothing here depends on a secret.
 *
 * @param phases the WRK engine's phases, from this party's point of view
 * @param andGates AND gates of the placement circuit
 */
public record PlacementStats(List<PhaseStats> phases, int andGates) {
    public PlacementStats {
        phases = List.copyOf(phases);
    }

    static PlacementStats of(WrkResult r, int andGates) {
        return new PlacementStats(r.phases(), andGates);
    }

    /**
     * The phases summed: wall time of the engine run (the mesh's connections are the caller's),
     * CPU time, bytes and rounds.
     */
    public PhaseStats total() {
        return PhaseStats.total(phases);
    }

    /** Phase name to wall milliseconds, in protocol order. */
    public Map<String, Double> millisByPhase() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (PhaseStats p : phases) {
            m.merge(p.name(), p.millis(), Double::sum);
        }
        return m;
    }
}
