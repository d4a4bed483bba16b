package io.angler.mpc.ot;

import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.ChannelStats;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.TlsNetwork;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Measures the transport and OT layers with every party in this process over TLS on loopback:
 * mesh set-up, {@link PairwiseCot#setup} and {@link PairwiseCot#extend}. Wall time and the
 * process's CPU time are both reported, since this machine is shared; figures are medians over
 * repetitions after warm-up runs (the JIT).
 *
 * <pre>
 * java -cp ... io.angler.mpc.ot.OtBenchmark [parties...] [--count N] [--reps R]
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
            return String.format(Locale.ROOT, "%3d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %11d %12.0f %9.1f",
                    parties, connectMs, connectCpuMs, setupMs, setupCpuMs, extendMs, extendCpuMs,
                    setupBytes / parties, cotsPerSecondPerPair(),
                    count == 0 ? 0 : (double) extendBytes / ((long) count * parties * (parties - 1)));
        }

        public static String header() {
            return "  n  conn(ms)   conn-cpu  setup(ms)  setup-cpu  ext(ms)   ext-cpu  setupB/party  COT/s/pair  B/COT";
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

    /** One run: connect, set up, extend {@code count} bits; closes everything. */
    public static Figures runOnce(int parties, int count) throws Exception {
        double c0 = cpuMs();
        long t0 = System.nanoTime();
        List<Network> nets = TlsNetwork.local(parties, TlsNetwork.Timeouts.DEFAULT);
        long t1 = System.nanoTime();
        double c1 = cpuMs();
        try {
            List<PairwiseCot> cots = all(nets, net -> {
                Prg prg = Prg.secure();
                return PairwiseCot.setup(net, prg.nextLong(), prg.nextLong(), prg);
            });
            long t2 = System.nanoTime();
            double c2 = cpuMs();
            ChannelStats afterSetup = total(nets);
            all(nets, net -> {
                PairwiseCot cot = cots.get(net.self());
                return cot.extend(count, Prg.secure().nextBits(Math.max(count, 1)));
            });
            long t3 = System.nanoTime();
            double c3 = cpuMs();
            ChannelStats afterExtend = total(nets);
            ChannelStats ext = afterExtend.minus(afterSetup);
            return new Figures(parties, count, (t1 - t0) / 1e6, c1 - c0, (t2 - t1) / 1e6, c2 - c1,
                    (t3 - t2) / 1e6, c3 - c2, afterSetup.bytesSent(), afterSetup.messagesSent(),
                    ext.bytesSent(), ext.messagesSent());
        } finally {
            nets.forEach(Network::close);
        }
    }

    /** Median figures over {@code reps} runs after {@code warmups} discarded ones. */
    public static Figures measure(int parties, int count, int warmups, int reps) throws Exception {
        for (int i = 0; i < warmups; i++) {
            runOnce(parties, count);
        }
        List<Figures> runs = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            runs.add(runOnce(parties, count));
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

    private static <T> List<T> all(List<Network> nets, Function<Network, T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nets.size());
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (Network net : nets) {
                fs.add(pool.submit(() -> task.apply(net)));
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
                default:
                    parties.add(Integer.parseInt(args[i]));
            }
        }
        if (parties.isEmpty()) {
            parties = List.of(3, 5, 9, 17);
        }
        System.out.println("all parties in one process, TLS 1.3 on loopback; extend count " + count
                + "; medians of " + reps + " runs after " + warmups + " warm-ups; cpu = process CPU time");
        System.out.println(Figures.header());
        for (int n : parties) {
            System.out.println(measure(n, count, warmups, reps).row());
        }
    }
}
