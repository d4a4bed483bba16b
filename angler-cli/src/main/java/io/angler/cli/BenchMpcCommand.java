package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.core.placement.PlacementMode;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.net.TlsNetwork;
import io.angler.mpc.placement.PlacementCircuit;
import io.angler.mpc.wrk.LocalParties;
import io.angler.mpc.wrk.PhaseStats;
import io.angler.mpc.wrk.WrkOptions;
import io.angler.mpc.wrk.WrkResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler bench mpc --parties N}: the MPC placement (first-price over N-1 providers by
 * default) under the WRK engine, every party on its own thread with its own TLS connections over
 * loopback, as the C++ reference was measured. Two settings, run alternately so that both see the
 * same machine load:
 * <ul>
 *   <li><b>cold</b>: new identities for every session: full TLS handshakes, base OTs with everyone
 *       (a pool's first meeting);</li>
 *   <li><b>warm</b>: the same nodes session after session, each keeping its OT state
 *       ({@link io.angler.mpc.ot.CotCache}) and resuming its TLS sessions: the second and later
 *       meetings, the usual case for long-running nodes.</li>
 * </ul>
 * Reports, for each, the median over the measured runs (after warm-up runs) of the whole session
 * (connections included) and of each phase: wall time and CPU time per party, bytes and rounds, and
 * the CPU time of the whole process per session (TLS on the writer threads, JIT and GC included),
 * with the load average before and after.
 */
@Command(name = "mpc", mixinStandardHelpOptions = true,
        description = {
            "Times the MPC placement under the WRK engine with every party on this machine, each on its own"
                + " thread and TLS connections over loopback: cold (new identities every session: full TLS"
                + " handshakes and base OTs) and warm (the same nodes again: resumed TLS, OT state reused), run"
                + " alternately. Median whole-session time (connections included), per-phase time, CPU, bytes and"
                + " rounds per party, after warm-up runs. Progress goes to stderr; --json prints one object.",
        })
final class BenchMpcCommand implements Callable<Integer> {
    /** The C++ reference (emp-agmpc WRK, tuned), whole MPC with set-up, on a quiet 2-core machine (SPEC 5). */
    static final Map<Integer, Double> REFERENCE_MS = Map.of(3, 80.0, 5, 260.0, 9, 990.0, 17, 4300.0);
    static final String[] PHASES = {"connect", "base-ot", "ot-extension", "authenticated-bits", "triples", "garbling",
        "online", "output"};

    /** Which settings to measure. */
    enum Settings {
        COLD, WARM, BOTH;

        boolean cold() {
            return this != WARM;
        }

        boolean warm() {
            return this != COLD;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--parties", paramLabel = "N", required = true,
            description = "parties: the requester and N-1 providers (2..64)")
    int parties;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "first-price", converter = ModeConverter.class,
            description = "placement mode (default ${DEFAULT-VALUE})")
    PlacementMode mode;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "5", description = "measured runs of each setting (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "2",
            description = "warm-up runs of each setting, not counted (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--only", paramLabel = "SETTING", converter = SettingsConverter.class, defaultValue = "both",
            description = "cold, warm or both (default ${DEFAULT-VALUE})")
    Settings only;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    /** One run, averaged over the parties. */
    record Sample(double total, Map<String, Double> wall, Map<String, Double> cpu, Map<String, Double> bytes,
                  Map<String, Double> rounds, double processCpu, double reusedPairs) {
    }

    static final class SettingsConverter implements CommandLine.ITypeConverter<Settings> {
        @Override
        public Settings convert(String value) {
            return switch (value) {
                case "cold" -> Settings.COLD;
                case "warm" -> Settings.WARM;
                case "both" -> Settings.BOTH;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not cold, warm or both");
            };
        }
    }

    @Override
    public Integer call() {
        if (parties < 2 || parties > OutputPlan.MAX_PARTIES) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--parties " + parties + " is outside 2.." + OutputPlan.MAX_PARTIES);
        }
        if (runs < 1 || runs > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs " + runs + " is outside 1..1000");
        }
        if (warmup < 0 || warmup > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warmup " + warmup + " is outside 0..100");
        }
        PlacementCircuit pc = PlacementCircuit.build(mode, parties - 1);
        Circuit c = pc.circuit();
        PrintWriter err = spec.commandLine().getErr();
        List<Sample> cold = new ArrayList<>();
        List<Sample> warm = new ArrayList<>();
        SecureRandom rnd = new SecureRandom();
        double[] loadBefore = loadAverage();
        try (LocalParties nodes = only.warm() ? new LocalParties(parties, TlsNetwork.Timeouts.DEFAULT, true) : null) {
            if (nodes != null) {
                // The nodes' first meeting does the base OTs; warm figures are the meetings after it.
                measure(nodes, pc, rnd);
            }
            for (int i = 0; i < warmup + runs; i++) {
                boolean counted = i >= warmup;
                String label = counted ? "run " + (i - warmup + 1) + "/" + runs : "warm-up " + (i + 1) + "/" + warmup;
                if (only.cold()) {
                    Sample s;
                    try (LocalParties fresh = new LocalParties(parties, TlsNetwork.Timeouts.DEFAULT, false)) {
                        s = measure(fresh, pc, rnd);
                    }
                    err.printf("%s cold: %.1f ms%n", label, s.total());
                    if (counted) {
                        cold.add(s);
                    }
                }
                if (nodes != null) {
                    Sample s = measure(nodes, pc, rnd);
                    err.printf("%s warm: %.1f ms%n", label, s.total());
                    if (counted) {
                        warm.add(s);
                    }
                }
                err.flush();
            }
        }
        double[] loadAfter = loadAverage();
        Sample coldMedian = cold.isEmpty() ? null : median(cold);
        Sample warmMedian = warm.isEmpty() ? null : median(warm);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(c, coldMedian, warmMedian, loadBefore, loadAfter));
        } else {
            printTable(out, c, coldMedian, warmMedian, loadBefore, loadAfter);
        }
        out.flush();
        return 0;
    }

    private static Sample measure(LocalParties lp, PlacementCircuit pc, SecureRandom rnd) {
        Circuit c = pc.circuit();
        boolean[][] in = randomInputs(c, rnd);
        double cpu0 = processCpuMillis();
        LocalParties.Run run = lp.run(c, pc.outputPlan(), in, WrkOptions.DEFAULT);
        double cpu = processCpuMillis() - cpu0;
        checkOutputs(c, pc.outputPlan(), in, run);
        return sample(run, cpu);
    }

    /** CPU time of this whole process (every thread), ms; NaN where the JVM does not say. */
    static double processCpuMillis() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            return t < 0 ? Double.NaN : t / 1e6;
        }
        return Double.NaN;
    }

    /** The 1, 5 and 15-minute load averages, or an empty array where /proc/loadavg is not there. */
    static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[0];
        }
    }

    private static boolean[][] randomInputs(Circuit c, SecureRandom rnd) {
        boolean[][] in = new boolean[c.parties()][];
        for (int p = 0; p < in.length; p++) {
            in[p] = new boolean[c.inputBits(p)];
            for (int i = 0; i < in[p].length; i++) {
                in[p][i] = rnd.nextBoolean();
            }
        }
        return in;
    }

    /** A benchmark that computes wrong answers measures nothing: compare with the plaintext evaluation. */
    private static void checkOutputs(Circuit c, OutputPlan plan, boolean[][] in, LocalParties.Run run) {
        boolean[] expected = c.evaluate(in);
        for (int p = 0; p < run.results().size(); p++) {
            WrkResult r = run.results().get(p);
            for (int i = 0; i < expected.length; i++) {
                if (plan.learns(p, i) != r.learned(i) || (r.learned(i) && r.value(i) != expected[i])) {
                    throw new IllegalStateException("party " + p + " got a wrong output bit " + i + "; this is a bug");
                }
            }
        }
    }

    static Sample sample(LocalParties.Run run, double processCpu) {
        int n = run.results().size();
        Map<String, Double> wall = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Double> rounds = new LinkedHashMap<>();
        wall.put("connect", Arrays.stream(run.connectMillis()).average().orElse(0));
        for (String phase : PHASES) {
            if (phase.equals("connect")) {
                continue;
            }
            double w = 0;
            double cp = 0;
            double b = 0;
            double r = 0;
            for (WrkResult res : run.results()) {
                for (PhaseStats ps : res.phases()) {
                    if (ps.name().equals(phase)) {
                        w += ps.millis();
                        cp += ps.cpuMillis();
                        b += ps.bytesSent();
                        r = Math.max(r, ps.rounds());
                    }
                }
            }
            wall.put(phase, w / n);
            cpu.put(phase, cp / n);
            bytes.put(phase, b / n);
            rounds.put(phase, r);
        }
        double reused = run.results().stream().mapToInt(WrkResult::reusedOtPairs).average().orElse(0);
        return new Sample(run.wallMillis(), wall, cpu, bytes, rounds, processCpu, reused);
    }

    static Sample median(List<Sample> samples) {
        Map<String, Double> wall = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Double> rounds = new LinkedHashMap<>();
        for (String k : samples.get(0).wall().keySet()) {
            wall.put(k, median(samples.stream().mapToDouble(s -> s.wall().get(k)).toArray()));
        }
        for (String k : samples.get(0).cpu().keySet()) {
            cpu.put(k, median(samples.stream().mapToDouble(s -> s.cpu().get(k)).toArray()));
            bytes.put(k, median(samples.stream().mapToDouble(s -> s.bytes().get(k)).toArray()));
            rounds.put(k, median(samples.stream().mapToDouble(s -> s.rounds().get(k)).toArray()));
        }
        return new Sample(median(samples.stream().mapToDouble(Sample::total).toArray()), wall, cpu, bytes, rounds,
                median(samples.stream().mapToDouble(Sample::processCpu).toArray()),
                median(samples.stream().mapToDouble(Sample::reusedPairs).toArray()));
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private String toJson(Circuit c, Sample cold, Sample warm, double[] loadBefore, double[] loadAfter) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("parties", parties);
        root.put("mode", mode.label());
        root.put("and_gates", c.andGates());
        root.put("gates", c.gates());
        root.put("runs", runs);
        root.put("warmup", warmup);
        Double ref = REFERENCE_MS.get(parties);
        if (ref != null) {
            root.put("reference_ms", ref);
        }
        ArrayNode before = root.putArray("load_average_before");
        Arrays.stream(loadBefore).forEach(before::add);
        ArrayNode after = root.putArray("load_average_after");
        Arrays.stream(loadAfter).forEach(after::add);
        // The top level repeats the cold setting (the reference's: connections and base OTs
        // included), or the warm one when only that ran, so that `total_ms`, `phases_ms` and
        // `bytes_per_party` are always at hand; "setting" says which.
        root.put("setting", cold != null ? "cold" : "warm");
        settingJson(root, cold != null ? cold : warm, ref);
        if (cold != null) {
            settingJson(root.putObject("cold"), cold, ref);
        }
        if (warm != null) {
            settingJson(root.putObject("warm"), warm, ref);
        }
        return root.toString();
    }

    private static void settingJson(ObjectNode o, Sample m, Double ref) {
        o.put("total_ms", round(m.total()));
        if (ref != null) {
            o.put("ratio_to_reference", Math.round(m.total() / ref * 1000) / 1000.0);
        }
        ObjectNode phases = o.putObject("phases_ms");
        m.wall().forEach((k, v) -> phases.put(key(k), round(v)));
        ObjectNode cpu = o.putObject("cpu_ms_per_party");
        m.cpu().forEach((k, v) -> cpu.put(key(k), round(v)));
        o.put("cpu_ms_per_party_total", round(m.cpu().values().stream().mapToDouble(Double::doubleValue).sum()));
        o.put("process_cpu_ms", round(m.processCpu()));
        o.put("bytes_per_party", Math.round(m.bytes().values().stream().mapToDouble(Double::doubleValue).sum()));
        ObjectNode bytes = o.putObject("bytes_per_party_by_phase");
        m.bytes().forEach((k, v) -> bytes.put(key(k), Math.round(v)));
        o.put("rounds", Math.round(m.rounds().values().stream().mapToDouble(Double::doubleValue).sum()));
        ObjectNode rounds = o.putObject("rounds_by_phase");
        m.rounds().forEach((k, v) -> rounds.put(key(k), Math.round(v)));
        o.put("ot_pairs_reused_per_party", round(m.reusedPairs()));
    }

    private void printTable(PrintWriter out, Circuit c, Sample cold, Sample warm, double[] loadBefore,
                            double[] loadAfter) {
        out.printf("angler bench mpc: %s placement, %d parties (%d providers), %d AND gates; median of %d runs after %d"
                + " warm-up%n", mode.label(), parties, parties - 1, c.andGates(), runs, warmup);
        out.println("every party on its own thread and TLS connections over loopback; per-party figures are averages;");
        out.println("cold: new identities every session; warm: the same nodes again (resumed TLS, OT state reused)");
        out.printf("load average before %s, after %s%n", Arrays.toString(loadBefore), Arrays.toString(loadAfter));
        out.println();
        List<Sample> shown = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (cold != null) {
            shown.add(cold);
            names.add("cold");
        }
        if (warm != null) {
            shown.add(warm);
            names.add("warm");
        }
        StringBuilder head = new StringBuilder(String.format("%-20s", "phase"));
        for (String n : names) {
            head.append(String.format(" %11s %11s %11s", n + " wall", n + " cpu", n + " KiB"));
        }
        out.println(head.append(String.format(" %7s", "rounds")));
        for (String k : shown.get(0).wall().keySet()) {
            StringBuilder row = new StringBuilder(String.format("%-20s", k));
            for (Sample m : shown) {
                if (k.equals("connect")) {
                    row.append(String.format(" %11.1f %11s %11s", m.wall().get(k), "-", "-"));
                } else {
                    row.append(String.format(" %11.1f %11.1f %11.1f", m.wall().get(k), m.cpu().get(k),
                            m.bytes().get(k) / 1024));
                }
            }
            Double r = shown.get(shown.size() - 1).rounds().get(k);
            out.println(row.append(String.format(" %7s", r == null ? "-" : Long.toString(Math.round(r)))));
        }
        StringBuilder total = new StringBuilder(String.format("%-20s", "total (whole run)"));
        for (Sample m : shown) {
            double bytes = m.bytes().values().stream().mapToDouble(Double::doubleValue).sum();
            double cpu = m.cpu().values().stream().mapToDouble(Double::doubleValue).sum();
            total.append(String.format(" %11.1f %11.1f %11.1f", m.total(), cpu, bytes / 1024));
        }
        double rounds = shown.get(shown.size() - 1).rounds().values().stream().mapToDouble(Double::doubleValue).sum();
        out.println(total.append(String.format(" %7d", Math.round(rounds))));
        for (int i = 0; i < shown.size(); i++) {
            out.printf("%s: process CPU %.1f ms per session (all threads); OT pairs reused per party %.1f%n", names.get(i),
                    shown.get(i).processCpu(), shown.get(i).reusedPairs());
        }
        Double ref = REFERENCE_MS.get(parties);
        if (ref != null) {
            out.printf("%nreference (C++ WRK, quiet 2-core machine): %.0f ms; target <= 1x, aim 0.5x%n", ref);
            for (int i = 0; i < shown.size(); i++) {
                out.printf("  %s: %.2fx of it%n", names.get(i), shown.get(i).total() / ref);
            }
        }
    }

    private static String key(String phase) {
        return phase.replace('-', '_');
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
