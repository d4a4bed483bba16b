package io.angler.mpc.ot;

import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsIdentity;
import io.angler.mpc.net.TlsNetwork;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Measures the transport and OT layers with every party in this process over TLS on loopback:
 * mesh set-up, {@link PairwiseCot#setup} and {@link PairwiseCot#extend}. Wall time and the
 * process's CPU time are both reported, since this machine is shared; figures are medians over
 * repetitions after warm-up runs (the JIT).
 *
 * <pre>
 * java -cp ... io.angler.mpc.ot.OtBenchmark [parties...] [--count N] [--reps R] [--warmups W] [--fresh]
 * </pre>
 */
public final class OtBenchmark {
    /** One configuration's figures. Times in milliseconds; bytes and messages summed over all parties. */
    public record Figures(int parties, int count, double connectMs, double connectCpuMs, double setupMs,
                          double setupCpuMs, double extendMs, double extendCpuMs, long setupBytes, long setupMessages,
                          long extendBytes, long extendMessages) {
        /** COTs per second per ordered pair of parties, in the extension. */
        public double cotsPerSecondPerPair() {
            return count == 0 ? 0 : count * 1000.0 / extendMs;
        }

        public String row() {
            return String.format(Locale.ROOT, "%3d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %11d %7d %12.0f %7.1f %7d",
                    parties, connectMs, connectCpuMs, setupMs, setupCpuMs, extendMs, extendCpuMs,
                    setupBytes / parties, setupMessages / parties, cotsPerSecondPerPair(),
                    count == 0 ? 0 : (double) extendBytes / ((long) count * parties * (parties - 1)),
                    extendMessages / parties);
        }

        public static String header() {
            return "  n  conn(ms)  conn-cpu setup(ms) setup-cpu   ext(ms)   ext-cpu setupB/party setup-msgs"
                    + "  COT/s/pair   B/COT ext-msgs";
        }
    }

    private OtBenchmark() {
    }

    private static double cpuMs() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e6;
        }
        return Double.NaN;
    }

    /** n nodes of this process: identities and listeners on loopback, reusable across sessions. */
    public static final class Nodes implements AutoCloseable {
        private final List<MpcListener> listeners = new ArrayList<>();
        private final List<PartyEndpoint> endpoints = new ArrayList<>();
        private int sessions;

        public Nodes(int parties) {
            for (int p = 0; p < parties; p++) {
                TlsIdentity id = TlsIdentity.ephemeral("bench party " + p);
                MpcListener l = MpcListener.bind(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                listeners.add(l);
                endpoints.add(new PartyEndpoint(l.address(), id.fingerprint()));
            }
        }

        /** Every party joins a new session concurrently; element i is party i's network. */
        public List<Network> connect() throws Exception {
            String sid = "bench-" + (++sessions);
            return all(endpoints.size(), self ->
                    TlsNetwork.connect(listeners.get(self), sid, self, endpoints, TlsNetwork.Timeouts.DEFAULT));
        }

        @Override
        public void close() {
            listeners.forEach(MpcListener::close);
        }
    }

    /** One session on {@code nodes}: connect, set up, extend {@code count} bits; closes the session. */
    public static Figures runOnce(Nodes nodes, int count) throws Exception {
        double c0 = cpuMs();
        long t0 = System.nanoTime();
        List<Network> nets = nodes.connect();
        long t1 = System.nanoTime();
        double c1 = cpuMs();
        int parties = nets.size();
        try {
            List<PairwiseCot> cots = all(parties, p -> {
                Prg prg = Prg.secure();
                return PairwiseCot.setup(nets.get(p), prg.nextLong(), prg.nextLong(), prg);
            });
            long t2 = System.nanoTime();
            double c2 = cpuMs();
            ChannelStats afterSetup = total(nets);
            all(parties, p -> cots.get(p).extend(count, Prg.secure().nextBits(Math.max(count, 1))));
            long t3 = System.nanoTime();
            double c3 = cpuMs();
            ChannelStats ext = total(nets).minus(afterSetup);
            return new Figures(parties, count, (t1 - t0) / 1e6, c1 - c0, (t2 - t1) / 1e6, c2 - c1,
                    (t3 - t2) / 1e6, c3 - c2, afterSetup.bytesSent(), afterSetup.messagesSent(),
                    ext.bytesSent(), ext.messagesSent());
        } finally {
            nets.forEach(Network::close);
        }
    }

    /**
     * Median figures over {@code reps} sessions after {@code warmups} discarded ones. With
     * {@code sameNodes} every session runs between the same nodes (TLS sessions resume);
     * otherwise each session has new identities (full handshakes).
     */
    public static Figures measure(int parties, int count, int warmups, int reps, boolean sameNodes) throws Exception {
        List<Figures> runs = new ArrayList<>();
        Nodes shared = sameNodes ? new Nodes(parties) : null;
        try {
            for (int i = 0; i < warmups + reps; i++) {
                Figures f;
                if (shared != null) {
                    f = runOnce(shared, count);
                } else {
                    try (Nodes fresh = new Nodes(parties)) {
                        f = runOnce(fresh, count);
                    }
                }
                if (i >= warmups) {
                    runs.add(f);
                }
            }
        } finally {
            if (shared != null) {
                shared.close();
            }
        }
        return new Figures(parties, count,
                median(runs, Figures::connectMs), median(runs, Figures::connectCpuMs),
                median(runs, Figures::setupMs), median(runs, Figures::setupCpuMs),
                median(runs, Figures::extendMs), median(runs, Figures::extendCpuMs),
                runs.get(0).setupBytes(), runs.get(0).setupMessages(),
                runs.get(0).extendBytes(), runs.get(0).extendMessages());
    }

    private static double median(List<Figures> runs, java.util.function.ToDoubleFunction<Figures> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static ChannelStats total(List<Network> nets) {
        ChannelStats s = ChannelStats.ZERO;
        for (Network n : nets) {
            s = s.plus(n.totalStats());
        }
        return s;
    }

    private static <T> List<T> all(int parties, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parties);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int p = 0; p < parties; p++) {
                int self = p;
                fs.add(pool.submit(() -> task.apply(self)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> parties = new ArrayList<>();
        int count = 50_000;
        int reps = 3;
        int warmups = 2;
        boolean fresh = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count":
                    count = Integer.parseInt(args[++i]);
                    break;
                case "--reps":
                    reps = Integer.parseInt(args[++i]);
                    break;
                case "--warmups":
                    warmups = Integer.parseInt(args[++i]);
                    break;
                case "--fresh":
                    fresh = true;
                    break;
                default:
                    parties.add(Integer.parseInt(args[i]));
            }
        }
        if (parties.isEmpty()) {
            parties = List.of(3, 5, 9, 17);
        }
        System.out.println("all parties in one process, TLS 1.3 on loopback; extend count " + count
                + "; medians of " + reps + " sessions after " + warmups + " warm-ups; "
                + (fresh ? "new identities per session (full TLS handshakes)" : "the same nodes every session (TLS resumption)")
                + "; cpu = process CPU time");
        System.out.println(Figures.header());
        for (int n : parties) {
            System.out.println(measure(n, count, warmups, reps, !fresh).row());
        }
    }
}
