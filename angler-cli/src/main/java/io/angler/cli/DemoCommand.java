package io.angler.cli;

import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.k8s.crd.KubeDuration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler demo}: a whole dark pool on this machine, one request end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs a dark pool on this machine: providers with random secret capacities and prices,",
            "one requester, and one request placed among them.",
        })
final class DemoCommand implements Callable<Integer> {
    static final int MAX_PROVIDERS = 32;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--providers", paramLabel = "K", description = "number of providers (1..32, default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int providers;

    @Option(names = "--mode", paramLabel = "MODE", description = "first-price, second-price or split (default ${DEFAULT-VALUE})",
            defaultValue = "first-price", converter = ModeConverter.class)
    PlacementMode mode;

    @Option(names = "--seed", paramLabel = "S", description = "seed for the secret inputs, to repeat a run (default: random)")
    Long seed;

    @Option(names = "--json", description = "print the result object as JSON")
    boolean json;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "provision the winners' namespaces in this cluster (default: $KUBECONFIG when set)")
    Path kubeconfig;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "angler-demo",
            description = "where the requester's kubeconfigs are written with --kubeconfig (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "1h",
            description = "lease length with --kubeconfig, e.g. 30m, 2h (default ${DEFAULT-VALUE})")
    String leaseLength;

    @Override
    public Integer call() {
        if (providers < 1 || providers > MAX_PROVIDERS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--providers " + providers + " is outside 1.." + MAX_PROVIDERS);
        }
        Path cluster = kubeconfig != null ? kubeconfig : fromEnvironment();
        Duration length = cluster == null ? null : KubeDuration.parse("--lease", leaseLength);
        long s = seed != null ? seed : new SecureRandom().nextLong();
        Inputs inputs = Inputs.draw(mode, providers, s);
        PlacementWidths.DEFAULT.check(mode, inputs.request(), inputs.bids());

        long start = System.nanoTime();
        PlacementOutcome outcome = PlaintextPlacement.place(mode, inputs.request(), inputs.bids());
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("placement", (System.nanoTime() - start) / 1e6);

        PlacementReport report = new PlacementReport(mode, inputs.request(), inputs.bids(), outcome.allocations(),
                outcome.providerViews(), false, timings);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            out.println("Angler demo (seed " + s + "; repeat with --seed " + s + ")");
            out.println("NOT PRIVATE: this run places the request in plaintext, in one process.");
            out.println();
            report.printTable(out);
        }
        out.flush();
        if (cluster != null && !outcome.allocations().isEmpty()) {
            // with --json, stdout is the result object alone; the provisioning report goes to stderr
            PrintWriter log = json ? spec.commandLine().getErr() : out;
            String runId = DemoProvisioning.sha256Hex("angler demo " + s).substring(0, 8);
            DemoProvisioning.provision(cluster, runId, outcome.allocations(), length, outDir, log);
        }
        return 0;
    }

    /** The first file of $KUBECONFIG (a path list, like kubectl reads it), or null. */
    private static Path fromEnvironment() {
        String env = System.getenv("KUBECONFIG");
        if (env == null || env.isBlank()) {
            return null;
        }
        return Path.of(env.split(java.io.File.pathSeparator)[0]);
    }
}
