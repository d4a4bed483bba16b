package io.angler.cli;

import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.Announcer;
import io.angler.dht.DhtNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code angler dht announce}: a provider's node announcing one offer, for manual checks. */
@Command(name = "announce", mixinStandardHelpOptions = true,
        description = "Joins the pool and announces a unit at --location under its pool keys,"
            + " re-announcing until Ctrl-C (or --duration). Lookups then return HOST:SERVICE-PORT.")
final class DhtAnnounceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DhtCommand.NodeOptions node;

    @Mixin
    DhtCommand.JoinOptions join;

    @Option(names = "--unit", paramLabel = "UNIT", required = true,
            description = "the resource unit, e.g. cpu=200m,memory=128Mi")
    String unit;

    @Option(names = "--service-port", paramLabel = "PORT", required = true,
            description = "the control-plane (TLS) port requesters will probe")
    int servicePort;

    @Option(names = "--precisions", paramLabel = "P", split = ",", defaultValue = "4,5,6",
            description = "geohash precisions to announce at (default ${DEFAULT-VALUE})")
    List<Integer> precisions;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DhtCommand.DurationConverter.class,
            description = "stop after this long (default: run until Ctrl-C)")
    Duration duration;

    @Override
    public Integer call() throws InterruptedException {
        CommandLine cl = spec.commandLine();
        ResourceUnit u;
        try {
            u = ResourceUnit.parse(unit);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--unit: " + e.getMessage());
        }
        if (servicePort < 1 || servicePort > 65535) {
            throw new CommandLine.ParameterException(cl, "--service-port " + servicePort + " is outside 1..65535");
        }
        for (int p : precisions) {
            if (p < 1 || p > node.location.precision()) {
                throw new CommandLine.ParameterException(cl, "--precisions: " + p + " is outside 1.."
                        + node.location.precision() + " (the --location's precision)");
            }
        }
        List<PoolKey> keys = precisions.stream().distinct().map(p -> PoolKey.of(u, node.location.prefix(p))).toList();
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        try (DhtCommand.Resources resources = new DhtCommand.Resources()) {
            DhtCommand.DataDir dir = resources.add(new DhtCommand.DataDir(node.dataDir, "dht-announce"));
            DhtNode n = resources.add(DhtNode.start(node.config(cl, dir.path, 0, join.bootstrap)));
            Announcer announcer = resources.add(new Announcer(n, servicePort));
            n.awaitBootstrap(join.timeout);
            try {
                announcer.announce("cli", keys).get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("announcing did not finish within 60 s", e);
            }
            for (PoolKey k : keys) {
                out.println("announced " + n.endpoint().getAddress().getHostAddress() + ":" + servicePort + " under "
                        + k.cell() + " (pool key " + k.hex() + ")");
            }
            out.flush();
            DhtCommand.runUntilStopped(duration, Duration.ofSeconds(30), err,
                    () -> "announcing " + keys.size() + " keys; " + n.knownNodes() + " nodes known", resources::close);
        }
        return 0;
    }
}
