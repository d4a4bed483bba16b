package io.angler.mpc.placement;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Network;
import io.angler.mpc.wrk.WrkOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every party of one placement in this process, each on its own thread with its own network
 * (for {@code angler place}, {@code angler bench placement} and the tests): the requester calls
 * {@link Placement#runRequester}, provider i {@link Placement#runProvider} with its own bid and
 * nothing else. Each party's view is what its own call returned.
 */
public final class LocalPlacement {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private LocalPlacement() {
    }

    /**
     * The views and figures of one run.
     *
     * @param requesterView the allocations the requester learned
     * @param providerViews what provider i learned, at index i - 1
     * @param stats party p's engine figures at index p (0 the requester)
     * @param wallMillis from the start of the first party to the end of the last
     */
    public record Result(List<Allocation> requesterView, List<ProviderView> providerViews, List<PlacementStats> stats,
                         double wallMillis) {
        public Result {
            requesterView = List.copyOf(requesterView);
            providerViews = List.copyOf(providerViews);
            stats = List.copyOf(stats);
        }
    }

    /**
     * Runs the placement with party p on {@code networks.get(p)}; closes every network when done.
     *
     * @throws IllegalArgumentException if an input does not fit (before any party starts)
     * @throws MpcAbortException if the session aborted: the most telling party's abort (a failed
     *     check rather than the disconnects it caused elsewhere)
     */
    public static Result run(List<Network> networks, PlacementSpec spec, PlacementRequest request, List<Bid> bids,
                             WrkOptions options) {
        try {
            if (networks.size() != spec.parties()) {
                throw new IllegalArgumentException("placement: " + networks.size() + " networks for "
                        + spec.parties() + " parties");
            }
            // every input is checked here, so a bad one never leaves the other parties waiting
            Placement.circuit(spec).inputs(request, bids);
            return runParties(networks, spec, request, bids, options);
        } finally {
            networks.forEach(Network::close);
        }
    }

    private static Result runParties(List<Network> networks, PlacementSpec spec, PlacementRequest request,
                                     List<Bid> bids, WrkOptions options) {
        int n = spec.parties();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "placement-party-" + THREADS.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            Future<Placement.RequesterOutcome> requester = pool.submit(() -> {
                try (Network net = networks.get(0)) {
                    return Placement.runRequester(net, spec, request, options);
                }
            });
            List<Future<Placement.ProviderOutcome>> providers = new ArrayList<>();
            for (int i = 1; i <= spec.providers(); i++) {
                int index = i;
                providers.add(pool.submit(() -> {
                    try (Network net = networks.get(index)) {
                        return Placement.runProvider(net, spec, index, bids.get(index - 1), options);
                    }
                }));
            }
            Throwable[] failures = new Throwable[n];
            Placement.RequesterOutcome r = get(requester, failures, 0);
            List<Placement.ProviderOutcome> p = new ArrayList<>();
            for (int i = 0; i < providers.size(); i++) {
                p.add(get(providers.get(i), failures, i + 1));
            }
            double wall = (System.nanoTime() - start) / 1e6;
            Throwable failure = mostTelling(failures);
            if (failure instanceof OutOfMemoryError) {
                // every party's session state is in this one heap: about quadratic in the parties
                throw new IllegalStateException("out of memory running all " + n + " parties of a "
                        + Placement.circuit(spec).circuit().andGates() + "-AND-gate placement in one process: give the"
                        + " JVM more heap (-Xmx) or use fewer providers", failure);
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure != null) {
                throw new IllegalStateException("a party failed: " + failure, failure);
            }
            List<ProviderView> views = new ArrayList<>();
            List<PlacementStats> stats = new ArrayList<>();
            stats.add(r.stats());
            for (Placement.ProviderOutcome o : p) {
                views.add(o.view());
                stats.add(o.stats());
            }
            return new Result(r.allocations(), views, stats, wall);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The party's outcome, or null with its failure recorded; the engine's own timeouts bound the wait. */
    private static <T> T get(Future<T> f, Throwable[] failures, int party) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            failures[party] = e.getCause();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MpcAbortException("interrupted", -1, "interrupted while the parties ran");
        }
    }

    /** A failed check beats the disconnects and timeouts it causes at the other parties; a bug beats both. */
    private static Throwable mostTelling(Throwable[] failures) {
        Throwable best = null;
        for (Throwable t : failures) {
            if (t == null) {
                continue;
            }
            if (!(t instanceof MpcAbortException)) {
                return t;
            }
            if (best == null || (isSecondary(best) && !isSecondary(t))) {
                best = t;
            }
        }
        return best;
    }

    private static boolean isSecondary(Throwable t) {
        String check = ((MpcAbortException) t).check();
        return check.equals("disconnect") || check.equals("timeout") || check.equals("channel");
    }
}
