package io.angler.mpc.wrk;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsIdentity;
import io.angler.mpc.net.TlsNetwork;
import io.angler.mpc.ot.CotCache;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every party of WRK sessions in this process, each on its own thread, with its own TLS identity,
 * its own listener on a loopback port and its own TLS 1.3 connections to every other party (as
 * {@code angler mpc eval} and the benchmarks need). Identities and listeners live as long as this
 * object, like a node's; each {@link #run} connects a fresh mesh, runs one session and closes it.
 */
public final class LocalParties implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final int parties;
    private final TlsNetwork.Timeouts timeouts;
    private final List<MpcListener> listeners = new ArrayList<>();
    private final List<PartyEndpoint> endpoints = new ArrayList<>();
    private final List<CotCache> caches = new ArrayList<>();

    /**
     * One run: every party's result and how long it took.
     *
     * @param results party i's result at index i
     * @param connectMillis per party, the time to set up its TLS connections
     * @param wallMillis the whole run, connections included, until the last party finished
     */
    public record Run(List<WrkResult> results, double[] connectMillis, double wallMillis) {
    }

    public LocalParties(int parties, TlsNetwork.Timeouts timeouts) {
        this(parties, timeouts, false);
    }

    /**
     * @param reuseOt whether each party keeps its OT state between the sessions of this object, as a
     *     node does (a {@link CotCache} per party): the first session does the base OTs, later ones
     *     continue them
     */
    public LocalParties(int parties, TlsNetwork.Timeouts timeouts, boolean reuseOt) {
        if (parties < 2 || parties > OutputPlan.MAX_PARTIES) {
            throw new IllegalArgumentException("parties: " + parties + " is outside 2.." + OutputPlan.MAX_PARTIES);
        }
        this.parties = parties;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        try {
            for (int p = 0; p < parties; p++) {
                TlsIdentity id = TlsIdentity.ephemeral("party " + p);
                MpcListener l = MpcListener.bind(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                listeners.add(l);
                endpoints.add(new PartyEndpoint(l.address(), id.fingerprint()));
                caches.add(reuseOt ? new CotCache() : null);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int parties() {
        return parties;
    }

    /** Party p's OT cache, or null if this object does not reuse OT state. */
    public CotCache cache(int p) {
        return caches.get(p);
    }

    /**
     * Connects a fresh mesh and runs one session.
     *
     * @param inputs party p's input bits at index p (parties beyond the array have none)
     * @throws MpcAbortException if the session aborted: the most telling party's abort (a failed
     *     check rather than the disconnects it caused elsewhere)
     */
    public Run run(Circuit circuit, OutputPlan plan, boolean[][] inputs, WrkOptions options) {
        return run(circuit, plan, inputs, options, p -> new PairwiseCotSource());
    }

    /** The test seam: another OT source per party. */
    Run run(Circuit circuit, OutputPlan plan, boolean[][] inputs, WrkOptions options,
            java.util.function.IntFunction<CorrelatedOt> cot) {
        String session = "local-" + RUNS.incrementAndGet() + "-" + HexFormat.of().formatHex(randomBytes());
        WrkResult[] results = new WrkResult[parties];
        double[] connect = new double[parties];
        Throwable[] failures = new Throwable[parties];
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parties, r -> {
            Thread t = new Thread(r, "wrk-party-" + threadNo.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < parties; p++) {
                int self = p;
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    try (TlsNetwork net = TlsNetwork.connect(listeners.get(self), session, self, endpoints, timeouts)) {
                        connect[self] = (System.nanoTime() - t0) / 1e6;
                        boolean[] in = self < inputs.length ? inputs[self] : new boolean[0];
                        results[self] = WrkEngine.run(net, circuit, plan, in, options, cot.apply(self), Deviation.NONE,
                                caches.get(self));
                        net.release(); // a later run between the same parties carries on over these connections
                    } catch (Throwable t) {
                        failures[self] = t;
                    }
                }));
            }
            long limit = timeouts.connect().toNanos() + 4 * timeouts.read().toNanos();
            for (Future<?> f : futures) {
                f.get(Math.max(1, limit - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw new MpcAbortException("timeout", -1, "the parties did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MpcAbortException("interrupted", -1, "interrupted while the parties ran");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a party's thread failed outside the protocol", e.getCause());
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double wall = (System.nanoTime() - start) / 1e6;
        Throwable failure = mostTelling(failures);
        if (failure instanceof MpcAbortException abort) {
            throw abort;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure != null) {
            throw new IllegalStateException("a party failed", failure);
        }
        return new Run(List.of(results), connect, wall);
    }

    /** A failed check beats the disconnects and timeouts it causes at the other parties. */
    private static Throwable mostTelling(Throwable[] failures) {
        Throwable first = null;
        for (Throwable t : failures) {
            if (t == null) {
                continue;
            }
            if (!(t instanceof MpcAbortException)) {
                return t; // a bug: report it first
            }
            String check = ((MpcAbortException) t).check();
            boolean secondary = check.equals("disconnect") || check.equals("timeout") || check.equals("channel");
            if (first == null || (!secondary && isSecondary(first))) {
                first = t;
            }
        }
        return first;
    }

    private static boolean isSecondary(Throwable t) {
        String check = ((MpcAbortException) t).check();
        return check.equals("disconnect") || check.equals("timeout") || check.equals("channel");
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        for (MpcListener l : listeners) {
            l.close();
        }
    }
}
