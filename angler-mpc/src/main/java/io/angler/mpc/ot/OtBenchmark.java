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
 * java -cp ... io.angler.mpc.ot.OtBenchmark --primitives
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

    private static double threadCpuNs() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /**
     * Single-thread rates of the building blocks, by this thread's CPU time (robust on a shared
     * machine): scalar multiplications, field multiplication and squaring side by side with
     * BouncyCastle's {@code X25519Field} (what Edwards25519 used before {@link Field25519}), and per
     * 128-bit row the column PRG, the transpose and the polynomial hash. Best of {@code rounds}
     * rounds.
     */
    public static String primitives(int rounds) {
        Edwards25519 c = new Edwards25519();
        Prg prg = Prg.secure();
        byte[][] scalars = new byte[64][];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = Edwards25519.randomScalar(prg);
        }
        Edwards25519.Point g = Edwards25519.base();
        Edwards25519.Point r = new Edwards25519.Point();
        int m = 1 << 16;
        long[] seeds = new long[256];
        prg.nextLongs(seeds, 0, seeds.length);
        io.angler.mpc.crypto.FixedKeyAes aes = new io.angler.mpc.crypto.FixedKeyAes();
        ColumnPrg cols = new ColumnPrg(seeds);
        byte[] prgScratch = new byte[ColumnPrg.SCRATCH_BYTES];
        long[] tiles = new long[2 * m];
        long[] rows = new long[2 * m];
        io.angler.mpc.crypto.PolyHash ph = io.angler.mpc.crypto.PolyHash.fromSeed(prg.nextBytes(16));
        long[] out = new long[2];
        double fixed = Double.MAX_VALUE;
        double var = Double.MAX_VALUE;
        double table = Double.MAX_VALUE;
        double colPrg = Double.MAX_VALUE;
        double transpose = Double.MAX_VALUE;
        double poly = Double.MAX_VALUE;
        double[] field = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        for (int round = 0; round < rounds; round++) {
            fieldRates(prg, field);
            double t0 = threadCpuNs();
            for (int i = 0; i < 400; i++) {
                c.mulBase(scalars[i & 63], r);
            }
            double t1 = threadCpuNs();
            for (int i = 0; i < 150; i++) {
                c.scalarMult(scalars[i & 63], g, r);
            }
            double t2 = threadCpuNs();
            for (int i = 0; i < 10; i++) {
                c.precompute(g);
            }
            double t3 = threadCpuNs();
            cols.next(m, tiles, aes, prgScratch);
            double t4 = threadCpuNs();
            io.angler.mpc.crypto.BitTranspose.tilesToRows(tiles, m, rows);
            double t5 = threadCpuNs();
            ph.eval(rows, 0, m, out, 0);
            double t6 = threadCpuNs();
            fixed = Math.min(fixed, (t1 - t0) / 400 / 1000);
            var = Math.min(var, (t2 - t1) / 150 / 1000);
            table = Math.min(table, (t3 - t2) / 10 / 1000);
            colPrg = Math.min(colPrg, (t4 - t3) / m);
            transpose = Math.min(transpose, (t5 - t4) / m);
            poly = Math.min(poly, (t6 - t5) / m);
        }
        return String.format(Locale.ROOT, "edwards25519: fixed-base %.1f us, variable-base %.1f us, table for a new point %.0f us%n"
                + "GF(2^255-19): mul %.1f ns (X25519Field %.1f ns, x%.2f), sqr %.1f ns (X25519Field %.1f ns, x%.2f)%n"
                + "per 128-bit row: column PRG %.1f ns (128 columns), transpose %.1f ns, polynomial hash %.1f ns",
                fixed, var, table, field[0], field[1], field[1] / field[0], field[2], field[3], field[3] / field[2],
                colPrg, transpose, poly);
    }

    /** Lowers best[] to this round's ns per mul and sqr (Field25519, X25519Field, each), chained. */
    private static void fieldRates(Prg prg, double[] best) {
        int n = 100_000;
        byte[] a = prg.nextBytes(32);
        byte[] b = prg.nextBytes(32);
        long[] x = Field25519.create();
        long[] y = Field25519.create();
        Field25519.decode(a, 0, x);
        Field25519.decode(b, 0, y);
        int[] u = org.bouncycastle.math.ec.rfc7748.X25519Field.create();
        int[] v = org.bouncycastle.math.ec.rfc7748.X25519Field.create();
        org.bouncycastle.math.ec.rfc7748.X25519Field.decode(a, 0, u);
        org.bouncycastle.math.ec.rfc7748.X25519Field.decode(b, 0, v);
        double t0 = threadCpuNs();
        for (int i = 0; i < n; i++) {
            Field25519.mul(x, y, x);
        }
        double t1 = threadCpuNs();
        for (int i = 0; i < n; i++) {
            org.bouncycastle.math.ec.rfc7748.X25519Field.mul(u, v, u);
        }
        double t2 = threadCpuNs();
        for (int i = 0; i < n; i++) {
            Field25519.sqr(x, x);
        }
        double t3 = threadCpuNs();
        for (int i = 0; i < n; i++) {
            org.bouncycastle.math.ec.rfc7748.X25519Field.sqr(u, u);
        }
        double t4 = threadCpuNs();
        best[0] = Math.min(best[0], (t1 - t0) / n);
        best[1] = Math.min(best[1], (t2 - t1) / n);
        best[2] = Math.min(best[2], (t3 - t2) / n);
        best[3] = Math.min(best[3], (t4 - t3) / n);
        // the results feed nothing else; keep them observable so the loops are not dropped
        if (x[0] == -1 && u[0] == -1) {
            throw new AssertionError();
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
                case "--primitives":
                    System.out.println(primitives(10));
                    return;
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
