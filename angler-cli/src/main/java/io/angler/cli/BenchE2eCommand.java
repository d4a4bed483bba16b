package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.cli.bench.E2eBenchmark;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler bench e2e --providers K --rtt-ms R}: the whole flow, discovery to credentials,
 * under emulated wide-area latency, privately and with the plaintext baseline, alternately on the
 * same pool. See {@link E2eBenchmark} and docs/benchmarks.md.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Times the whole flow (discovery on the DHT, probe, set-up, placement, claim, provisioning with the",
            "manifest provisioner, kubeconfig) under emulated WAN latency: a pool on this machine with a delaying",
            "relay in front of every node's control and MPC port, so every TCP connection between two parties pays",
            "the round-trip time per exchange (handshakes included; the DHT's UDP is not delayed). It runs the",
            "private flow (placement under MPC) and the plaintext baseline (providers REVEAL capacity and price to",
            "the requester over the same channels) alternately, and reports per-phase medians, bytes per party,",
            "rounds and the private/plaintext ratio. Progress goes to stderr; --json prints one object.",
        })
final class BenchE2eCommand implements Callable<Integer> {
    static final int MAX_PROVIDERS = 32;
    /** SPEC section 5: 8 providers at 10 ms RTT, private flow under 1 s and at most 1.5x the plaintext flow. */
    static final double TARGET_MS = 1000;
    static final double TARGET_RATIO = 1.5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--providers", paramLabel = "K", required = true, description = "providers in the pool (1..32)")
    int providers;

    @Option(names = "--rtt-ms", paramLabel = "R", required = true,
            description = "emulated round-trip time between any two parties, ms (0..1000)")
    int rttMs;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "first-price", converter = ModeConverter.class,
            description = "placement mode (default ${DEFAULT-VALUE})")
    PlacementMode mode;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "measured runs of each flow (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "2",
            description = "warm-up runs of each flow, not counted (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "300",
            description = "longest one run of one flow may take, seconds (default ${DEFAULT-VALUE})")
    int timeoutS;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "seed of the providers' secret inputs and the request (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dht-nodes", paramLabel = "N", defaultValue = "8",
            description = "passive DHT nodes besides the bootstrap node (0..200, default ${DEFAULT-VALUE})")
    int dhtNodes;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "keep the nodes' data, manifests and kubeconfigs here (default: a temporary directory,"
                    + " deleted at the end)")
    Path dir;

    @Option(names = "--cold", description = "every run meets its peers as if for the first time: new TCP and TLS"
            + " connections and, in the private flow, the base OTs (default: nodes keep idle connections and OT state"
            + " between runs, as they do in service)")
    boolean cold;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Override
    public Integer call() throws IOException {
        check(providers >= 1 && providers <= MAX_PROVIDERS, "--providers " + providers + " is outside 1.." + MAX_PROVIDERS);
        check(rttMs >= 0 && rttMs <= 1000, "--rtt-ms " + rttMs + " is outside 0..1000");
        check(runs >= 1 && runs <= 1000, "--runs " + runs + " is outside 1..1000");
        check(warmup >= 0 && warmup <= 100, "--warmup " + warmup + " is outside 0..100");
        check(timeoutS >= 1 && timeoutS <= 3600, "--timeout-s " + timeoutS + " is outside 1..3600");
        check(dhtNodes >= 0 && dhtNodes <= 200, "--dht-nodes " + dhtNodes + " is outside 0..200");
        Inputs inputs = servable(mode, Inputs.draw(mode, providers, seed));
        PrintWriter err = spec.commandLine().getErr();
        Path base = dir != null ? Files.createDirectories(dir).resolve("run-" + System.currentTimeMillis())
                : Files.createTempDirectory("angler-bench-e2e-");
        double[] loadBefore = loadAverage();
        E2eBenchmark bench = new E2eBenchmark();
        // Ctrl-C: stop every node and relay and remove the temporary data before the JVM exits.
        Thread hook = new Thread(() -> {
            bench.close();
            if (dir == null) {
                deleteQuietly(base);
            }
        }, "angler-bench-e2e-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        E2eBenchmark.Result result;
        try {
            result = bench.run(new E2eBenchmark.Settings(mode, inputs.bids(), inputs.request(), Duration.ofMillis(rttMs),
                    runs, warmup, Duration.ofSeconds(timeoutS), dhtNodes, base, cold), line -> {
                        err.println("... " + line);
                        err.flush();
                    });
        } finally {
            bench.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down: the hook does the rest
            }
            if (dir == null) {
                deleteQuietly(base);
            }
        }
        double[] loadAfter = loadAverage();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(result, loadBefore, loadAfter));
        } else {
            printTable(out, result, loadBefore, loadAfter);
        }
        out.flush();
        return 0;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }

    /**
     * The drawn inputs, with the request made servable if it was not, so that every run goes on to
     * claim and provisioning (a request nobody can serve ends after the placement).
     */
    static Inputs servable(PlacementMode mode, Inputs in) {
        if (PlaintextPlacement.place(mode, in.request(), in.bids()).served()) {
            return in;
        }
        List<Bid> bids = new ArrayList<>(in.bids());
        if (bids.stream().allMatch(b -> b.capacity() == 0)) {
            bids.set(0, new Bid(1, bids.get(0).price()));
        }
        // What the placement can give: one provider's capacity, or in split mode what the cheapest
        // providers with units hold together (it fills greedily by price, all or nothing).
        long most;
        if (mode == PlacementMode.SPLIT) {
            most = bids.stream().filter(b -> b.capacity() > 0)
                    .sorted(java.util.Comparator.comparingLong(Bid::price))
                    .limit(in.request().maxProviders()).mapToLong(Bid::capacity).sum();
        } else {
            most = bids.stream().mapToLong(Bid::capacity).max().orElse(1);
        }
        return new Inputs(new PlacementRequest(Math.min(in.request().units(), most), in.request().maxProviders()), bids);
    }

    private String toJson(E2eBenchmark.Result r, double[] loadBefore, double[] loadAfter) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("providers", providers);
        root.put("rtt_ms", rttMs);
        root.put("mode", mode.label());
        root.put("runs", runs);
        root.put("warmup", warmup);
        root.put("state", cold ? "cold" : "warm");
        root.put("private_ms", round(r.privateFlow().totalMs()));
        root.put("plaintext_ms", round(r.plaintextFlow().totalMs()));
        root.put("ratio", Math.round(r.ratio() * 1000) / 1000.0);
        root.put("repeated_runs", r.repeated());
        summary(root.putObject("private"), r.privateFlow());
        summary(root.putObject("plaintext"), r.plaintextFlow());
        ObjectNode targets = root.putObject("targets");
        targets.put("private_ms", TARGET_MS);
        targets.put("ratio", TARGET_RATIO);
        targets.put("applies", providers == 8 && rttMs == 10);
        ObjectNode machine = root.putObject("machine");
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        ArrayNode before = machine.putArray("load_average_start");
        for (double d : loadBefore) {
            before.add(d);
        }
        ArrayNode after = machine.putArray("load_average_end");
        for (double d : loadAfter) {
            after.add(d);
        }
        return root.toString();
    }

    private static void summary(ObjectNode o, E2eBenchmark.Summary s) {
        o.put("total_ms", round(s.totalMs()));
        ObjectNode phases = o.putObject("phases_ms");
        s.phasesMs().forEach((k, v) -> phases.put(k, round(v)));
        ObjectNode placement = o.putObject("placement_ms");
        s.placementMs().forEach((k, v) -> placement.put(key(k), round(v)));
        ObjectNode rounds = o.putObject("rounds_by_phase");
        s.rounds().forEach((k, v) -> rounds.put(key(k), v));
        o.put("rounds", s.rounds().values().stream().mapToLong(Long::longValue).sum());
        ObjectNode bytes = o.putObject("bytes");
        bytes.put("requester_sent", Math.round(s.requesterBytes()));
        bytes.put("provider_sent_mean", Math.round(s.providerBytes()));
        bytes.put("control_per_provider", Math.round(s.controlBytes()));
        bytes.put("placement_on_wire", Math.round(s.placementWireBytes()));
        o.put("connections", Math.round(s.connections()));
        o.put("cpu_ms", round(s.cpuMs()));
        o.put("relay_cpu_ms", round(s.relayCpuMs()));
        o.put("engine_cpu_ms_busiest_party", round(s.engineCpuMs()));
        ArrayNode totals = o.putArray("totals_ms");
        s.totalsMs().forEach(t -> totals.add(round(t)));
    }

    private void printTable(PrintWriter out, E2eBenchmark.Result r, double[] loadBefore, double[] loadAfter) {
        E2eBenchmark.Summary p = r.privateFlow();
        E2eBenchmark.Summary c = r.plaintextFlow();
        out.printf(Locale.ROOT, "angler bench e2e: %d providers, %d ms RTT, %s; median of %d runs of each flow after %d"
                + " warm-up, alternating; %s%n", providers, rttMs, mode.label(), runs, warmup, cold
                ? "cold: every run connects afresh and does its base OTs"
                : "warm: nodes keep idle connections and OT state between runs (--cold for first meetings)");
        out.printf(Locale.ROOT, "a delaying relay (%.1f ms each way) in front of every control and MPC port; the DHT's"
                + " UDP is not delayed%n", rttMs / 2.0);
        out.printf(Locale.ROOT, "machine: %d CPUs (%s), %s; load average %s at start, %s at end%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                load(loadBefore), load(loadAfter));
        out.println();
        out.printf("%-28s %12s %14s%n", "phase (ms)", "private", "plaintext");
        for (String k : p.phasesMs().keySet()) {
            String name = k.equals("discovery") ? "discovery (UDP, no delay)" : k;
            out.printf(Locale.ROOT, "%-28s %12.1f %14.1f%n", name, p.phasesMs().get(k), c.phasesMs().get(k));
        }
        out.println();
        out.println("the placement at the requester (ms; rounds: the most any party ran):");
        placement(out, "private", p);
        placement(out, "plaintext", c);
        out.println();
        out.printf("%-40s %12s %14s%n", "traffic and CPU", "private", "plaintext");
        row(out, "requester sent, placement payload", p.requesterBytes(), c.requesterBytes());
        row(out, "a provider sent, placement payload", p.providerBytes(), c.providerBytes());
        row(out, "control, per provider, on the wire", p.controlBytes(), c.controlBytes());
        row(out, "placement, all parties, on the wire", p.placementWireBytes(), c.placementWireBytes());
        row(out, "TCP connections through the relays", p.connections(), c.connections());
        row(out, "CPU ms, whole process (all parties)", p.cpuMs(), c.cpuMs());
        row(out, "  of which the relays (emulation)", p.relayCpuMs(), c.relayCpuMs());
        row(out, "CPU ms of the engine, busiest party", p.engineCpuMs(), c.engineCpuMs());
        out.println();
        out.printf(Locale.ROOT, "private/plaintext: %.2fx (ratio of the medians: %.1f ms / %.1f ms)%n", r.ratio(),
                p.totalMs(), c.totalMs());
        if (r.repeated() > 0) {
            out.printf(Locale.ROOT, "%d run(s) repeated, not counted: not every provider took part (DHT lookup or probe)%n",
                    r.repeated());
        }
        out.printf(Locale.ROOT, "targets (SPEC 5, 8 providers at 10 ms RTT): private under %.0f ms, ratio at most %.1f;"
                + " research prototype: 8 providers under 1 s, 2x the no-privacy flow%n", TARGET_MS, TARGET_RATIO);
    }

    private static void placement(PrintWriter out, String flow, E2eBenchmark.Summary s) {
        for (Map.Entry<String, Double> e : s.placementMs().entrySet()) {
            Long rounds = s.rounds().get(e.getKey());
            out.printf(Locale.ROOT, "  %-10s %-20s %10.1f %8s%n", flow, e.getKey(), e.getValue(), rounds == null ? "-" : rounds);
        }
    }

    private static void row(PrintWriter out, String name, double a, double b) {
        out.printf(Locale.ROOT, "%-40s %12.0f %14.0f%n", name, a, b);
    }

    /** The 1, 5 and 15 minute load averages (Linux), or an empty array where unknown. */
    static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[0];
        }
    }

    private static String load(double[] l) {
        if (l.length == 0) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** A JSON key: base-ot becomes base_ot, connect+exchange connect_exchange. */
    private static String key(String phase) {
        return phase.replace('-', '_').replace('+', '_');
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
