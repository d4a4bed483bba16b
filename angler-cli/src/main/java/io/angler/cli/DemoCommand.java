package io.angler.cli;

import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import java.io.PrintWriter;
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

    @Override
    public Integer call() {
        if (providers < 1 || providers > MAX_PROVIDERS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--providers " + providers + " is outside 1.." + MAX_PROVIDERS);
        }
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
        return 0;
    }
}
