package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.io.PrintWriter;
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
 * loopback, as the C++ reference was measured. Reports the median over several runs after warm-up
 * of the whole session (connections included) and of each phase, with bytes and rounds per party.
 */
@Command(name = "mpc", mixinStandardHelpOptions = true,
        description = {
            "Times the MPC placement under the WRK engine with every party on this machine, each on its own"
                + " thread and TLS connections over loopback: the median whole-session time (connections included)"
                + " and per-phase time, CPU, bytes and rounds per party, after warm-up runs. Progress goes to"
                + " stderr; --json prints one object.",
        })
final class BenchMpcCommand implements Callable<Integer> {
    /** The C++ reference (emp-agmpc WRK, tuned), whole MPC with set-up, on a quiet 2-core machine (SPEC 5). */
    static final Map<Integer, Double> REFERENCE_MS = Map.of(3, 80.0, 5, 260.0, 9, 990.0, 17, 4300.0);
    static final String[] PHASES = {"connect", "base-ot", "ot-extension", "authenticated-bits", "triples", "garbling",
        "online", "output"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--parties", paramLabel = "N", required = true,
            description = "parties: the requester and N-1 providers (2..64)")
    int parties;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "first-price", converter = ModeConverter.class,
            description = "placement mode (default ${DEFAULT-VALUE})")
    PlacementMode mode;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "5", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "2",
            description = "warm-up runs, not counted (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    /** One run, averaged over the parties. */
    record Sample(double total, Map<String, Double> wall, Map<String, Double> cpu, Map<String, Double> bytes,
                  Map<String, Double> rounds) {
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
        List<Sample> samples = new ArrayList<>();
        SecureRandom rnd = new SecureRandom();
        try (LocalParties lp = new LocalParties(parties, TlsNetwork.Timeouts.DEFAULT)) {
            for (int i = 0; i < warmup + runs; i++) {
                boolean[][] in = randomInputs(c, rnd);
                LocalParties.Run run = lp.run(c, pc.outputPlan(), in, WrkOptions.DEFAULT);
                checkOutputs(c, pc.outputPlan(), in, run);
                Sample s = sample(run);
                boolean counted = i >= warmup;
                err.printf("%s %d/%d: %.1f ms%n", counted ? "run" : "warm-up", counted ? i - warmup + 1 : i + 1,
                        counted ? runs : warmup, s.total());
                err.flush();
                if (counted) {
                    samples.add(s);
                }
            }
        }
        Sample median = median(samples);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(c, median));
        } else {
            printTable(out, c, median);
        }
        out.flush();
        return 0;
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

    static Sample sample(LocalParties.Run run) {
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
        return new Sample(run.wallMillis(), wall, cpu, bytes, rounds);
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
        return new Sample(median(samples.stream().mapToDouble(Sample::total).toArray()), wall, cpu, bytes, rounds);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private String toJson(Circuit c, Sample m) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("parties", parties);
        root.put("mode", mode.label());
        root.put("and_gates", c.andGates());
        root.put("gates", c.gates());
        root.put("runs", runs);
        root.put("warmup", warmup);
        root.put("total_ms", round(m.total()));
        ObjectNode phases = root.putObject("phases_ms");
        m.wall().forEach((k, v) -> phases.put(key(k), round(v)));
        ObjectNode cpu = root.putObject("cpu_ms_per_party");
        m.cpu().forEach((k, v) -> cpu.put(key(k), round(v)));
        root.put("bytes_per_party", Math.round(m.bytes().values().stream().mapToDouble(Double::doubleValue).sum()));
        ObjectNode bytes = root.putObject("bytes_per_party_by_phase");
        m.bytes().forEach((k, v) -> bytes.put(key(k), Math.round(v)));
        root.put("rounds", Math.round(m.rounds().values().stream().mapToDouble(Double::doubleValue).sum()));
        ObjectNode rounds = root.putObject("rounds_by_phase");
        m.rounds().forEach((k, v) -> rounds.put(key(k), Math.round(v)));
        Double ref = REFERENCE_MS.get(parties);
        if (ref != null) {
            root.put("reference_ms", ref);
            root.put("ratio_to_reference", Math.round(m.total() / ref * 1000) / 1000.0);
        }
        return root.toString();
    }

    private void printTable(PrintWriter out, Circuit c, Sample m) {
        out.printf("angler bench mpc: %s placement, %d parties (%d providers), %d AND gates; median of %d runs after %d"
                + " warm-up%n", mode.label(), parties, parties - 1, c.andGates(), runs, warmup);
        out.println("every party on its own thread and TLS connections over loopback; per-party figures are averages");
        out.println();
        out.printf("%-20s %10s %14s %16s %7s%n", "phase", "wall ms", "cpu ms/party", "KiB sent/party", "rounds");
        for (Map.Entry<String, Double> e : m.wall().entrySet()) {
            String k = e.getKey();
            if (k.equals("connect")) {
                out.printf("%-20s %10.1f %14s %16s %7s%n", k, e.getValue(), "-", "-", "-");
            } else {
                out.printf("%-20s %10.1f %14.1f %16.1f %7d%n", k, e.getValue(), m.cpu().get(k), m.bytes().get(k) / 1024,
                        Math.round(m.rounds().get(k)));
            }
        }
        double bytes = m.bytes().values().stream().mapToDouble(Double::doubleValue).sum();
        double rounds = m.rounds().values().stream().mapToDouble(Double::doubleValue).sum();
        double cpu = m.cpu().values().stream().mapToDouble(Double::doubleValue).sum();
        out.printf("%-20s %10.1f %14.1f %16.1f %7d%n", "total (whole run)", m.total(), cpu, bytes / 1024, Math.round(rounds));
        Double ref = REFERENCE_MS.get(parties);
        if (ref != null) {
            out.printf("%nreference (C++ WRK, quiet 2-core machine): %.0f ms; this run: %.2fx of it (target <= 1, aim 0.5)%n",
                    ref, m.total() / ref);
        }
    }

    private static String key(String phase) {
        return phase.replace('-', '_');
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
