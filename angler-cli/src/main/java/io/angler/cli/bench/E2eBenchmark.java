package io.angler.cli.bench;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.node.requester.Progress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end benchmark under emulated WAN latency: one {@link WanPool}, the private flow and
 * the plaintext baseline run alternately on it (which goes first alternates too, so that drift in
 * the machine's load hits both alike), warm-up runs first, each run bounded by a timeout, and the
 * medians of each flow compared.
 */
public final class E2eBenchmark implements AutoCloseable {
    /**
     * @param bids the providers' secret inputs, provider i at index i - 1
     * @param request the requester's input; it should be servable, so that every run goes through
     *     claim and provisioning
     * @param rtt the emulated round-trip time between any two parties
     * @param runTimeout bound on one run of one flow
     * @param dir where the pool's nodes keep their data
     * @param cold whether every run connects afresh and does its base OTs (see {@link WanPool#create})
     */
    public record Settings(PlacementMode mode, List<Bid> bids, PlacementRequest request, Duration rtt, int runs,
                           int warmup, Duration runTimeout, int dhtNodes, Path dir, boolean cold) {
        public Settings {
            bids = List.copyOf(bids);
            if (bids.isEmpty() || runs < 1 || warmup < 0 || runTimeout.isNegative() || runTimeout.isZero()) {
                throw new IllegalArgumentException("bench e2e: needs providers, at least one run, no negative warm-up"
                        + " and a positive timeout");
            }
        }
    }

    /**
     * One flow's figures, each the median over the measured runs.
     *
     * @param totalsMs every measured run's total, in order
     */
    public record Summary(Map<String, Double> phasesMs, Map<String, Double> placementMs, Map<String, Long> rounds,
                          double requesterBytes, double providerBytes, double controlBytes, double placementWireBytes,
                          double connections, double cpuMs, double relayCpuMs, double engineCpuMs,
                          List<Double> totalsMs) {
        public double totalMs() {
            return phasesMs.get("total");
        }
    }

    /**
     * @param repeated runs repeated because not every provider took part (not counted)
     */
    public record Result(Settings settings, Summary privateFlow, Summary plaintextFlow, int repeated) {
        /** The private flow's median total over the plaintext flow's. */
        public double ratio() {
            return privateFlow.totalMs() / plaintextFlow.totalMs();
        }
    }

    /** How often in a row one run may be repeated because not every provider took part. */
    static final int MAX_REPEATS = 3;

    private volatile WanPool pool;
    private int repeated;

    /** A run that did not count (see {@link WanPool.IncompleteRun}). */
    private static final class IncompleteRunException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IncompleteRunException(String message) {
            super(message);
        }
    }
    private volatile boolean closed;

    /** Runs the benchmark: starts the pool, measures, stops the pool (also on failure). */
    public Result run(Settings s, Progress progress) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the benchmark was stopped");
            }
        }
        repeated = 0;
        pool = WanPool.create(s.dir(), s.bids(), s.rtt(), s.cold());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "angler-bench-run");
            t.setDaemon(true);
            return t;
        });
        try {
            if (closed) {
                throw new IllegalStateException("the benchmark was stopped");
            }
            pool.start(s.dhtNodes(), progress);
            List<WanPool.Run> privateRuns = new ArrayList<>();
            List<WanPool.Run> plaintextRuns = new ArrayList<>();
            int total = s.warmup() + s.runs();
            for (int i = 0; i < total; i++) {
                boolean counted = i >= s.warmup();
                String label = counted ? "run " + (i - s.warmup() + 1) + "/" + s.runs() : "warm-up " + (i + 1) + "/" + s.warmup();
                Flow[] order = i % 2 == 0 ? new Flow[] {Flow.PRIVATE, Flow.PLAINTEXT} : new Flow[] {Flow.PLAINTEXT, Flow.PRIVATE};
                for (Flow f : order) {
                    WanPool.Run r = null;
                    for (int attempt = 1; r == null; attempt++) {
                        try {
                            r = timed(worker, s, f, label);
                        } catch (IncompleteRunException e) {
                            if (attempt > MAX_REPEATS) {
                                throw new IllegalStateException(label + " of the " + f.label() + " flow: " + e.getMessage()
                                        + ", " + attempt + " times in a row; check the DHT (--dht-nodes) and the load");
                            }
                            repeated++;
                            progress.step(label + " " + f.label() + " not counted, repeated: " + e.getMessage());
                        }
                    }
                    progress.step(String.format(Locale.ROOT, "%s %-9s %8.1f ms (discovery %.1f, placement %.1f)", label,
                            f.label(), r.phasesMs().get("total"), r.phasesMs().get("discovery"),
                            r.phasesMs().get("placement")));
                    if (counted) {
                        (f == Flow.PRIVATE ? privateRuns : plaintextRuns).add(r);
                    }
                }
            }
            return new Result(s, summarize(privateRuns), summarize(plaintextRuns), repeated);
        } finally {
            close(); // ends a run still under way (a timeout), then its thread
            worker.shutdownNow();
            try {
                worker.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private WanPool.Run timed(ExecutorService worker, Settings s, Flow f, String label) {
        WanPool p = pool;
        Duration session = s.runTimeout().compareTo(Duration.ofMinutes(5)) < 0 ? s.runTimeout() : Duration.ofMinutes(5);
        Future<WanPool.Run> run = worker.submit(() -> p.run(f, s.mode(), s.request(), session));
        try {
            return run.get(s.runTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new IllegalStateException(label + " of the " + f.label() + " flow did not finish within "
                    + s.runTimeout().toSeconds() + " s; give it longer (--timeout-s) or use fewer providers");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof WanPool.IncompleteRun incomplete) {
                throw new IncompleteRunException(incomplete.getMessage());
            }
            throw new IllegalStateException(label + " of the " + f.label() + " flow failed: " + c.getMessage(), c);
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + label + " of the " + f.label() + " flow", e);
        }
    }

    static Summary summarize(List<WanPool.Run> runs) {
        Map<String, Double> phases = new LinkedHashMap<>();
        for (String k : runs.get(0).phasesMs().keySet()) {
            phases.put(k, median(runs, r -> r.phasesMs().get(k)));
        }
        Map<String, Double> placement = new LinkedHashMap<>();
        for (String k : runs.get(0).placementMs().keySet()) {
            placement.put(k, median(runs, r -> r.placementMs().getOrDefault(k, 0.0)));
        }
        Map<String, Long> rounds = new LinkedHashMap<>();
        for (String k : runs.get(0).rounds().keySet()) {
            rounds.put(k, Math.round(median(runs, r -> r.rounds().getOrDefault(k, 0L))));
        }
        return new Summary(phases, placement, rounds, median(runs, WanPool.Run::requesterBytes),
                median(runs, WanPool.Run::providerBytes), median(runs, WanPool.Run::controlBytes),
                median(runs, WanPool.Run::placementWireBytes), median(runs, WanPool.Run::connections),
                median(runs, WanPool.Run::cpuMs), median(runs, WanPool.Run::relayCpuMs),
                median(runs, WanPool.Run::engineCpuMs), runs.stream().map(r -> r.phasesMs().get("total")).toList());
    }

    static double median(List<WanPool.Run> runs, ToDoubleFunction<WanPool.Run> f) {
        double[] v = runs.stream().mapToDouble(f).toArray();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** Stops the pool (every node, relay and DHT node); safe from another thread, e.g. a shutdown hook. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        WanPool p = pool;
        if (p != null) {
            p.close();
        }
    }
}
