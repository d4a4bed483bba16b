package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.Candidate;
import io.angler.dht.DhtNode;
import io.angler.dht.Discovery;
import io.angler.dht.Search;
import io.angler.dht.SearchLimits;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code angler dht lookup}: a requester's widening search, for manual checks. */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = "Joins the pool with a temporary node and searches providers of --unit near --location:"
            + " own cell at --finest precision, its 8 neighbours, then coarser, until --target candidates.")
final class DhtLookupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DhtCommand.NodeOptions node;

    @Mixin
    DhtCommand.JoinOptions join;

    @Option(names = "--unit", paramLabel = "UNIT", required = true,
            description = "the resource unit, e.g. cpu=200m,memory=128Mi")
    String unit;

    @Option(names = "--finest", paramLabel = "P", defaultValue = "6", description = "first precision (default ${DEFAULT-VALUE})")
    int finest;

    @Option(names = "--coarsest", paramLabel = "P", defaultValue = "4",
            description = "coarsest precision (default ${DEFAULT-VALUE})")
    int coarsest;

    @Option(names = "--target", paramLabel = "N", defaultValue = "8",
            description = "stop widening at this many candidates (default ${DEFAULT-VALUE})")
    int target;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DhtCommand.DurationConverter.class,
            description = "the whole search ends by then (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        ResourceUnit u;
        SearchLimits limits;
        try {
            u = ResourceUnit.parse(unit);
            limits = new SearchLimits(finest, coarsest, target, timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        if (node.location.precision() < finest) {
            throw new CommandLine.ParameterException(cl, "--location " + node.location + " has precision "
                    + node.location.precision() + ", coarser than --finest " + finest);
        }
        PrintWriter out = cl.getOut();
        try (DhtCommand.DataDir dir = new DhtCommand.DataDir(node.dataDir, "dht-lookup");
             DhtNode n = DhtNode.start(node.config(cl, dir.path, 0, join.bootstrap))) {
            n.awaitBootstrap(join.timeout);
            Search search = new Discovery(n).search(u, node.location, limits);
            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(search)));
            } else {
                print(out, u, search);
            }
            out.flush();
        }
        return 0;
    }

    private void print(PrintWriter out, ResourceUnit u, Search search) {
        out.printf("%d candidate(s) for %s near %s (%d lookups, %d messages, %.1f ms%s)%n",
                search.candidates().size(), u.canonical(), node.location, search.lookups().size(), search.messages(),
                search.elapsed().toNanos() / 1e6, search.timedOut() ? ", TIMED OUT" : "");
        if (search.candidates().isEmpty()) {
            out.println("no provider announces this unit at precisions " + finest + ".." + coarsest
                    + " around " + node.location);
        }
        for (Candidate c : search.candidates()) {
            out.printf("  %-22s precision %d, cell %s%n", endpoint(c.endpoint()), c.precision(), c.key().cell());
        }
    }

    static Map<String, Object> toJson(Search search) {
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Candidate c : search.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("endpoint", endpoint(c.endpoint()));
            m.put("precision", c.precision());
            m.put("cell", c.key().cell().text());
            m.put("pool_key", c.key().hex());
            candidates.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("candidates", candidates);
        root.put("lookups", search.lookups().size());
        root.put("messages", search.messages());
        root.put("timed_out", search.timedOut());
        root.put("elapsed_ms", Math.round(search.elapsed().toNanos() / 1e3) / 1e3);
        return root;
    }

    static String endpoint(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
