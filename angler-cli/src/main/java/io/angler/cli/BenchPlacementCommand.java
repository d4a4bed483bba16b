package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.placement.LocalMesh;
import io.angler.mpc.placement.LocalPlacement;
import io.angler.mpc.placement.Placement;
import io.angler.mpc.placement.PlacementCircuit;
import io.angler.mpc.placement.PlacementSpec;
import io.angler.mpc.placement.PlacementStats;
import io.angler.mpc.wrk.PhaseStats;
import io.angler.mpc.wrk.WrkOptions;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler bench placement --mode M --providers K}: the placement through {@link Placement},
 * as {@code angler place} and the nodes run it, with random secret inputs, every party on its own
 * thread, TLS identity and TLS connections over loopback. Reports the circuit (AND gates, depth)
 * and the median over several runs after warm-up of the whole session and of each phase, with
 * CPU, bytes and rounds per party. Every run's views are checked against the plaintext placement.
 */
@Command(name = "placement", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Times the placement under MPC through the Placement API the nodes use (random secret inputs, every"
                + " party on its own thread and TLS connections over loopback; every run a first meeting: new"
                + " connections and base OTs; --minimum for the circuits with minimum requests that nodes run): the"
                + " circuit's AND gates and"
                + " depth, and the median whole-session time and per-phase time, CPU, bytes and rounds per party after"
                + " warm-up runs. Progress goes to stderr; --json prints one object.",
        })
final class BenchPlacementCommand implements Callable<Integer> {
    static final String[] PHASES = {"base-ot", "ot-extension", "authenticated-bits", "triples", "garbling", "online",
        "output"};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", required = true, converter = ModeConverter.class,
            description = "first-price, second-price or split")
    PlacementMode mode;

    @Option(names = "--providers", paramLabel = "K", required = true, description = "providers (1..63); parties are K + 1")
    int providers;

    @Option(names = "--minimum", description = "use the circuits with minimum requests (the nodes' sessions do)")
    boolean minimum;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "5", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "2",
            description = "warm-up runs, not counted (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    /**
     * One run: the mesh set-up, the placement until every party is done, the sum of both, and per
     * phase the wall and CPU time and bytes sent averaged over the parties, and the rounds.
     */
    record Sample(double connect, double mpc, double total, Map<String, Double> wall, Map<String, Double> cpu,
                  Map<String, Double> bytes, Map<String, Double> rounds) {
    }

    @Override
    public Integer call() {
        if (providers < 1 || providers > PlacementCircuit.MAX_PROVIDERS) {
            throw bad("--providers " + providers + " is outside 1.." + PlacementCircuit.MAX_PROVIDERS);
        }
        if (runs < 1 || runs > 1000) {
            throw bad("--runs " + runs + " is outside 1..1000");
        }
        if (warmup < 0 || warmup > 100) {
            throw bad("--warmup " + warmup + " is outside 0..100");
        }
        PlacementSpec placement = new PlacementSpec(mode, providers, PlacementWidths.DEFAULT, minimum);
        Circuit c = Placement.circuit(placement).circuit();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("angler bench placement: %s, %d AND gates; %d warm-up and %d measured runs%n", placement, c.andGates(),
                warmup, runs);
        err.flush();
        SecureRandom rnd = new SecureRandom();
        List<Sample> samples = new ArrayList<>();
        try (LocalMesh mesh = new LocalMesh(placement.parties(), LocalMesh.timeoutsFor(placement.parties()))) {
            for (int i = 0; i < warmup + runs; i++) {
                Sample s = runOnce(mesh, placement, rnd);
                boolean counted = i >= warmup;
                err.printf("%s %d/%d: %.1f ms%n", counted ? "run" : "warm-up", counted ? i - warmup + 1 : i + 1,
                        counted ? runs : warmup, s.total());
                err.flush();
                if (counted) {
                    samples.add(s);
                }
            }
        }
        Sample m = median(samples);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(c, m));
        } else {
            printTable(out, c, m);
        }
        out.flush();
        return 0;
    }

    private static Sample runOnce(LocalMesh mesh, PlacementSpec placement, SecureRandom rnd) {
        PlacementRequest request = randomRequest(placement, rnd);
        List<Bid> bids = randomBids(placement, request, rnd);
        LocalMesh.Connected c = mesh.connect();
        LocalPlacement.Result r = LocalPlacement.run(c.networks(), placement, request, bids, WrkOptions.DEFAULT);
        // A benchmark that computes wrong answers measures nothing.
        PlacementOutcome clear = PlaintextPlacement.place(placement.mode(), request, bids);
        if (!clear.allocations().equals(r.requesterView()) || !clear.providerViews().equals(r.providerViews())) {
            throw new IllegalStateException("the placement under MPC gave " + r.requesterView()
                    + " but the plaintext placement gives " + clear.allocations() + "; this is a bug");
        }
        return sample(c.millis(), r);
    }

    /** Requests of a few units to a few hundred; in split mode over up to all providers. */
    private static PlacementRequest randomRequest(PlacementSpec p, SecureRandom rnd) {
        int m = p.mode() == PlacementMode.SPLIT ? 1 + rnd.nextInt(p.providers()) : 1;
        return new PlacementRequest(1 + rnd.nextInt(200), m);
    }

    /** Capacities around the request (some 0), prices over the whole width, minimums for some providers. */
    private static List<Bid> randomBids(PlacementSpec p, PlacementRequest request, SecureRandom rnd) {
        List<Bid> bids = new ArrayList<>();
        for (int i = 0; i < p.providers(); i++) {
            long capacity = rnd.nextInt(6) == 0 ? 0 : rnd.nextInt((int) (2 * request.units()) + 1);
            long price = rnd.nextLong() >>> (64 - p.widths().priceBits());
            long min = p.withMinimum() && rnd.nextBoolean() ? 1 + rnd.nextInt((int) request.units() * 2) : 1;
            bids.add(new Bid(capacity, price, min));
        }
        return bids;
    }

    static Sample sample(double connect, LocalPlacement.Result r) {
        int n = r.stats().size();
        Map<String, Double> wall = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        Map<String, Double> rounds = new LinkedHashMap<>();
        for (String phase : PHASES) {
            double w = 0;
            double cp = 0;
            double b = 0;
            double rd = 0;
            for (PlacementStats s : r.stats()) {
                for (PhaseStats ps : s.phases()) {
                    if (ps.name().equals(phase)) {
                        w += ps.millis();
                        cp += ps.cpuMillis();
                        b += ps.bytesSent();
                        rd = Math.max(rd, ps.rounds());
                    }
                }
            }
            wall.put(phase, w / n);
            cpu.put(phase, cp / n);
            bytes.put(phase, b / n);
            rounds.put(phase, rd);
        }
        return new Sample(connect, r.wallMillis(), connect + r.wallMillis(), wall, cpu, bytes, rounds);
    }

    static Sample median(List<Sample> samples) {
        return new Sample(median(samples, Sample::connect), median(samples, Sample::mpc), median(samples, Sample::total),
                medians(samples, Sample::wall), medians(samples, Sample::cpu), medians(samples, Sample::bytes),
                medians(samples, Sample::rounds));
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
        return BenchMpcCommand.median(samples.stream().mapToDouble(f).toArray());
    }

    private static Map<String, Double> medians(List<Sample> samples, Function<Sample, Map<String, Double>> f) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : f.apply(samples.get(0)).keySet()) {
            m.put(k, BenchMpcCommand.median(samples.stream().mapToDouble(s -> f.apply(s).get(k)).toArray()));
        }
        return m;
    }

    private String toJson(Circuit c, Sample m) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("mode", mode.label());
        root.put("providers", providers);
        root.put("parties", providers + 1);
        root.put("minimum", minimum);
        root.put("and_gates", c.andGates());
        root.put("and_gates_per_provider", round(c.andGates() / (double) providers));
        root.put("depth", c.andDepth());
        root.put("gates", c.gates());
        root.put("runs", runs);
        root.put("warmup", warmup);
        root.put("total_ms", round(m.total()));
        root.put("connect_ms", round(m.connect()));
        root.put("mpc_ms", round(m.mpc()));
        ObjectNode phases = root.putObject("phases_ms");
        m.wall().forEach((k, v) -> phases.put(key(k), round(v)));
        ObjectNode cpu = root.putObject("cpu_ms_per_party");
        m.cpu().forEach((k, v) -> cpu.put(key(k), round(v)));
        root.put("bytes_per_party", Math.round(sum(m.bytes())));
        ObjectNode bytes = root.putObject("bytes_per_party_by_phase");
        m.bytes().forEach((k, v) -> bytes.put(key(k), Math.round(v)));
        root.put("rounds", Math.round(sum(m.rounds())));
        ObjectNode rounds = root.putObject("rounds_by_phase");
        m.rounds().forEach((k, v) -> rounds.put(key(k), Math.round(v)));
        return root.toString();
    }

    private void printTable(PrintWriter out, Circuit c, Sample m) {
        out.printf("angler bench placement: %s, %d providers (%d parties)%s; median of %d runs after %d warm-up%n",
                mode.label(), providers, providers + 1, minimum ? ", with minimums" : "", runs, warmup);
        out.printf("circuit: %d AND gates (%.1f per provider), AND depth %d, %d gates%n", c.andGates(),
                c.andGates() / (double) providers, c.andDepth(), c.gates());
        out.println("every party on its own thread and TLS connections over loopback; per-party figures are averages");
        out.println();
        out.printf("%-20s %10s %14s %16s %7s%n", "phase", "wall ms", "cpu ms/party", "KiB sent/party", "rounds");
        out.printf("%-20s %10.1f %14s %16s %7s%n", "connect", m.connect(), "-", "-", "-");
        for (String k : m.wall().keySet()) {
            out.printf("%-20s %10.1f %14.1f %16.1f %7d%n", k, m.wall().get(k), m.cpu().get(k), m.bytes().get(k) / 1024,
                    Math.round(m.rounds().get(k)));
        }
        out.printf("%-20s %10.1f %14.1f %16.1f %7d%n", "total (whole run)", m.total(), sum(m.cpu()),
                sum(m.bytes()) / 1024, Math.round(sum(m.rounds())));
    }

    private static double sum(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static String key(String phase) {
        return phase.replace('-', '_');
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
