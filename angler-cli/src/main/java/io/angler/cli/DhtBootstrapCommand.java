package io.angler.cli;

import io.angler.dht.DhtNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code angler dht bootstrap}: the pool's first node, through which the others join. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = {"Runs a bootstrap node until Ctrl-C (or --duration).",
            "Other nodes join the pool with --bootstrap HOST:PORT of this node."})
final class DhtBootstrapCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DhtCommand.NodeOptions node;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6881",
            description = "UDP port to listen on, 0 lets the OS choose (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DhtCommand.DurationConverter.class,
            description = "stop after this long (default: run until Ctrl-C)")
    Duration duration;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cl, "--port " + port + " is outside 0..65535");
        }
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        try (DhtCommand.Resources resources = new DhtCommand.Resources()) {
            DhtCommand.DataDir dir = resources.add(new DhtCommand.DataDir(node.dataDir, "dht-bootstrap"));
            DhtNode n = resources.add(DhtNode.start(node.config(cl, dir.path, port, List.of())));
            out.println("bootstrap node listening on " + hostPort(n) + " (node ID " + n.nodeIdHex() + ", data in "
                    + dir.path + ")");
            out.flush();
            DhtCommand.runUntilStopped(duration, Duration.ofSeconds(10), err,
                    () -> "bootstrap " + hostPort(n) + ": " + n.knownNodes() + " nodes known", resources::close);
        }
        return 0;
    }

    static String hostPort(DhtNode n) {
        return n.endpoint().getAddress().getHostAddress() + ":" + n.endpoint().getPort();
    }
}
