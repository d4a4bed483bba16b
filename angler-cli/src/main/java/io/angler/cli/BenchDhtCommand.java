package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.angler.dht.DhtBenchmark;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler bench dht}: lookup latency and success in an N-node pool on this machine. */
@Command(name = "dht", mixinStandardHelpOptions = true,
        description = "Builds an N-node DHT pool in this process (one libtorrent session per node),"
            + " lets providers announce, and times single-key lookups from the other nodes.")
final class BenchDhtCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "200",
            description = "nodes in the pool, the bootstrap node included (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--providers", paramLabel = "P", description = "nodes that announce an offer (default: N/10)")
    Integer providers;

    @Option(names = "--lookups", paramLabel = "L", defaultValue = "200", description = "lookups to time (default ${DEFAULT-VALUE})")
    int lookups;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "picks locations, providers, requesters and keys (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address every node listens on (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        DhtBenchmark.Options options;
        try {
            int p = providers != null ? providers : Math.max(1, Math.min(nodes - 1, nodes / 10));
            options = new DhtBenchmark.Options(nodes, p, lookups, seed, InetAddress.getByName(host));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        } catch (UnknownHostException e) {
            throw new CommandLine.ParameterException(cl, "--host " + host + " does not resolve");
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        DhtBenchmark.Result r = DhtBenchmark.run(options, line -> {
            err.println("bench dht: " + line);
            err.flush();
        });
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r.toMap()));
        } else {
            out.printf("DHT lookups: %d nodes on %s, %d providers (precisions 4, 5, 6), %d lookups%n", r.nodes(), host,
                    r.providers(), r.lookups());
            out.printf("  found every provider   %d of %d (%.1f%%)%n", r.found(), r.lookups(), 100.0 * r.found() / r.lookups());
            out.printf("  latency p50/p90/p99    %.2f / %.2f / %.2f ms (max %.2f ms)%n", r.p50Ms(), r.p90Ms(), r.p99Ms(),
                    r.maxMs());
            out.printf("  messages per lookup    %.1f get_peers sent, %.1f answered%n", r.messagesPerLookup(),
                    r.responsesPerLookup());
            out.printf("  set-up                 %.1f s (start, join, announce)%n", r.setupMs() / 1000);
            out.printf("  process                %d threads, %d MiB resident%n", r.threads(), r.rssMiB());
        }
        out.flush();
        return 0;
    }
}
