package io.angler.cli;

import io.angler.core.geo.Geohash;
import io.angler.dht.DhtSwarm;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code angler dht nodes}: many passive nodes in this process, to fill a test network. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"Runs COUNT passive DHT nodes in this process until Ctrl-C (or --duration).",
            "Each is its own libtorrent session on its own OS-chosen UDP port."})
final class DhtNodesCommand implements Callable<Integer> {
    static final int MAX_COUNT = 1000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DhtCommand.NodeOptions node;

    @Option(names = "--count", paramLabel = "N", required = true, description = "how many nodes (1.." + MAX_COUNT + ")")
    int count;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true, split = ",",
            converter = DhtCommand.EndpointConverter.class, description = "node(s) to join through")
    List<InetSocketAddress> bootstrap;

    @Option(names = "--locations", paramLabel = "GEOHASH", split = ",", converter = DhtCommand.GeohashConverter.class,
            description = "cells to spread the nodes over, in turn (default: --location)")
    List<Geohash> locations;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DhtCommand.DurationConverter.class,
            description = "stop after this long (default: run until Ctrl-C)")
    Duration duration;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (count < 1 || count > MAX_COUNT) {
            throw new CommandLine.ParameterException(cl, "--count " + count + " is outside 1.." + MAX_COUNT);
        }
        List<Geohash> cells = locations == null || locations.isEmpty() ? List.of(node.location) : locations;
        List<Geohash> spread = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            spread.add(cells.get(i % cells.size()));
        }
        node.config(cl, Path.of("."), 0, bootstrap);
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        int step = Math.max(1, count / 10);
        try (DhtCommand.Resources resources = new DhtCommand.Resources()) {
            DhtCommand.DataDir dir = resources.add(new DhtCommand.DataDir(node.dataDir, "dht-nodes"));
            DhtSwarm swarm = resources.add(DhtSwarm.start(dir.path, node.address(cl), bootstrap, spread, node.expiry,
                    n -> {
                        if (n % step == 0 || n == count) {
                            err.println("started " + n + " of " + count + " nodes");
                            err.flush();
                        }
                    }));
            swarm.awaitBootstrap(Duration.ofSeconds(30));
            out.println(count + " nodes joined the pool through " + describe(bootstrap) + " (data in " + dir.path + ")");
            out.flush();
            DhtCommand.runUntilStopped(duration, Duration.ofSeconds(10), err,
                    () -> swarm.size() + " nodes running", resources::close);
        }
        return 0;
    }

    static String describe(List<InetSocketAddress> nodes) {
        List<String> parts = new ArrayList<>();
        for (InetSocketAddress n : nodes) {
            parts.add(n.getAddress().getHostAddress() + ":" + n.getPort());
        }
        return String.join(", ", parts);
    }
}
