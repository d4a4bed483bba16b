package io.angler.cli;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.placement.LocalMesh;
import io.angler.mpc.placement.LocalPlacement;
import io.angler.mpc.placement.Placement;
import io.angler.mpc.placement.PlacementCircuit;
import io.angler.mpc.placement.PlacementSpec;
import io.angler.mpc.wrk.WrkOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler place}: one placement under MPC with every party in this process, each on its own
 * thread with its own TLS identity and connections over loopback (the peers' fingerprints pinned),
 * running only its own side through {@link Placement}; prints what each party learned.
 */
@Command(name = "place", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs one placement under MPC (WRK) with the requester and every provider in this process, each on its"
                + " own thread, TLS identity and TLS connections over loopback, each giving only its own secret input,"
                + " and prints what each party learned. Progress goes to stderr; --json prints the result object.",
        })
final class PlaceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", required = true, converter = ModeConverter.class,
            description = "first-price, second-price or split")
    PlacementMode mode;

    @Option(names = "--request", paramLabel = "UNITS", required = true, description = "units the requester wants (1..65535)")
    long units;

    @Option(names = "--max-providers", paramLabel = "M",
            description = "split mode: the most providers the request may be spread over (1..K, default K)")
    Integer maxProviders;

    @Option(names = "--provider", paramLabel = "CAPACITY:PRICE[:MIN]", required = true,
            description = {"one provider, in session order: its capacity in units, its price in micro-units per"
                + " unit-hour (0..4294967295) and optionally its minimum request (1 = none). Repeat for each provider"
                + " (at most 63). If any provider gives a minimum, the circuits with minimums are used."})
    List<String> providers;

    @Option(names = "--json", description = "print the result object as JSON")
    boolean json;

    @Override
    public Integer call() {
        PlacementWidths widths = PlacementWidths.DEFAULT;
        List<Bid> bids = new ArrayList<>();
        boolean minimums = false;
        for (String p : providers) {
            try {
                bids.add(Bid.parse(p));
            } catch (IllegalArgumentException e) {
                throw bad("--provider: " + e.getMessage());
            }
            minimums |= p.strip().split(":", -1).length == 3;
        }
        if (bids.size() > PlacementCircuit.MAX_PROVIDERS) {
            throw bad("--provider: at most " + PlacementCircuit.MAX_PROVIDERS + " providers, got " + bids.size());
        }
        if (units < 1) {
            throw bad("--request: units " + units + " must be at least 1");
        }
        int m;
        if (mode == PlacementMode.SPLIT) {
            m = maxProviders == null ? bids.size() : maxProviders;
            if (m < 1 || m > bids.size()) {
                throw bad("--max-providers " + m + " is outside 1.." + bids.size() + " (the number of providers)");
            }
        } else if (maxProviders != null) {
            throw bad("--max-providers applies to split mode only");
        } else {
            m = 1;
        }
        PlacementRequest request = new PlacementRequest(units, m);
        try {
            widths.check(mode, request, bids);
        } catch (IllegalArgumentException e) {
            throw bad((e.getMessage().startsWith("request") ? "--request: " : "--provider: ") + e.getMessage());
        }
        PlacementSpec placement = new PlacementSpec(mode, bids.size(), widths, minimums);
        PrintWriter err = spec.commandLine().getErr();
        LocalPlacement.Result result;
        double connectMillis;
        try (LocalMesh mesh = new LocalMesh(placement.parties(), LocalMesh.timeoutsFor(placement.parties()))) {
            progress(err, "connecting " + placement.parties() + " parties (the requester and " + bids.size()
                    + " provider" + (bids.size() == 1 ? "" : "s") + "), each with its own TLS identity, over loopback");
            LocalMesh.Connected c = mesh.connect();
            connectMillis = c.millis();
            progress(err, "running the " + mode.label() + " placement under MPC ("
                    + Placement.circuit(placement).circuit().andGates() + " AND gates" + (minimums ? ", with minimums" : "")
                    + ")");
            result = LocalPlacement.run(c.networks(), placement, request, bids, WrkOptions.DEFAULT);
        } catch (MpcAbortException e) {
            err.println("angler place: the placement aborted: " + e.getMessage());
            err.println("No party used a result. On a busy machine a timeout can end a large session: try again,"
                    + " or with fewer providers.");
            err.flush();
            return Angler.EXIT_FAILURE;
        }
        // This command holds every secret, so it can check the private result against the plaintext placement.
        PlacementOutcome clear = PlaintextPlacement.place(mode, request, bids);
        if (!clear.allocations().equals(result.requesterView()) || !clear.providerViews().equals(result.providerViews())) {
            throw new IllegalStateException("the placement under MPC gave " + result.requesterView()
                    + " but the plaintext placement of the same inputs gives " + clear.allocations() + "; this is a bug");
        }
        PlacementReport report = new PlacementReport(mode, request, bids, result.requesterView(), result.providerViews(),
                true, timings(connectMillis, result), minimums);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            out.println("PRIVATE: the placement ran under MPC (WRK) among " + placement.parties() + " parties, each on its"
                    + " own TLS connections and holding only its own input; the secrets are printed here only because"
                    + " this command made them all.");
            out.println();
            report.printTable(out);
            out.println();
            out.println("Checked: the plaintext placement of the same inputs gives the same result.");
        }
        out.flush();
        return 0;
    }

    /** The mesh set-up, the requester's engine phases, the whole MPC (every party done) and the total. */
    static Map<String, Double> timings(double connectMillis, LocalPlacement.Result result) {
        Map<String, Double> t = new LinkedHashMap<>();
        t.put("connect", connectMillis);
        result.stats().get(0).millisByPhase().forEach((phase, ms) -> t.put(phase.replace('-', '_'), ms));
        t.put("mpc", result.wallMillis());
        t.put("total", connectMillis + result.wallMillis());
        return t;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void progress(PrintWriter err, String line) {
        err.println("... " + line);
        err.flush();
    }
}
