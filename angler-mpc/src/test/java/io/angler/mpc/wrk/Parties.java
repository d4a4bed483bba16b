package io.angler.mpc.wrk;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import io.angler.mpc.ot.CotCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs every party of a session on its own thread over an in-memory network, and collects what each got. */
final class Parties {
    /** Per party: its result, or the exception it ended with. */
    record Outcome(WrkResult[] results, Throwable[] failures) {
        boolean allSucceeded() {
            for (Throwable t : failures) {
                if (t != null) {
                    return false;
                }
            }
            return true;
        }
    }

    private Parties() {
    }

    static Outcome run(Circuit c, OutputPlan plan, boolean[][] inputs, int n, IntFunction<CorrelatedOt> cot,
                       int deviator, Deviation deviation) {
        List<Network> nets = InMemoryNetwork.create(n, Duration.ofSeconds(60));
        return run(nets, c, plan, inputs, cot, deviator, deviation);
    }

    static Outcome run(List<Network> nets, Circuit c, OutputPlan plan, boolean[][] inputs,
                       IntFunction<CorrelatedOt> cot, int deviator, Deviation deviation) {
        return run(nets, c, plan, inputs, cot, deviator, deviation, new CotCache[nets.size()]);
    }

    /** As above, party p keeping its OT state in {@code caches[p]} (null: none). */
    static Outcome run(List<Network> nets, Circuit c, OutputPlan plan, boolean[][] inputs,
                       IntFunction<CorrelatedOt> cot, int deviator, Deviation deviation, CotCache[] caches) {
        return run(nets, c, plan, inputs, cot, deviator, deviation, caches, new TweakObserver[nets.size()]);
    }

    /** As above, party p showing {@code tweaks[p]} (null: nothing) the tweaks of its hashes under Δ. */
    static Outcome run(List<Network> nets, Circuit c, OutputPlan plan, boolean[][] inputs,
                       IntFunction<CorrelatedOt> cot, int deviator, Deviation deviation, CotCache[] caches,
                       TweakObserver[] tweaks) {
        int n = nets.size();
        WrkResult[] results = new WrkResult[n];
        Throwable[] failures = new Throwable[n];
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                int self = p;
                fs.add(pool.submit(() -> {
                    try (Network net = nets.get(self)) {
                        boolean[] in = self < inputs.length ? inputs[self] : new boolean[0];
                        results[self] = WrkEngine.run(net, c, plan, in, WrkOptions.DEFAULT, cot.apply(self),
                                self == deviator ? deviation : Deviation.NONE, caches[self], tweaks[self]);
                    } catch (Throwable t) {
                        failures[self] = t;
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("a party did not finish", e);
        } finally {
            pool.shutdownNow();
        }
        return new Outcome(results, failures);
    }

    /** The engine's own OT (base OT and OT extension over the network). */
    static IntFunction<CorrelatedOt> realOt() {
        return p -> new PairwiseCotSource();
    }

    static IntFunction<CorrelatedOt> dealer(int n) {
        DealerCot d = new DealerCot(n);
        return d::party;
    }
}
