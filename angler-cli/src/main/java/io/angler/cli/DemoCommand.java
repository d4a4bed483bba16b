package io.angler.cli;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.k8s.Clusters;
import io.angler.k8s.crd.KubeDuration;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.demo.LocalPool;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.provision.Provisioner;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.RequestException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler demo}: a whole dark pool on this machine, one request end to end, privately: the
 * placement runs under MPC among nodes that each hold only their own secret.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs a dark pool on this machine and places one request in it, privately: a DHT bootstrap node",
            "and passive nodes, K provider nodes with random secret capacities and prices, and a requester,",
            "each with its own identity and data directory, all on loopback. The request goes through",
            "discovery on the DHT, probe, selection, set-up, the placement under MPC (WRK), claim and",
            "provisioning: into the cluster of --kubeconfig (or $KUBECONFIG) when given, otherwise the exact",
            "manifests a cluster would get are written to a directory it names.",
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

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where the nodes' data, the manifests and the kubeconfigs go (default: a new temporary"
                    + " directory, kept and named in the output)")
    Path dir;

    @Option(names = "--dht-nodes", paramLabel = "N", defaultValue = "8",
            description = "passive DHT nodes besides the bootstrap node (0..200, default ${DEFAULT-VALUE})")
    int dhtNodes;

    @Option(names = "--json", description = "print the result object as JSON")
    boolean json;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "the winners provision their namespaces in this cluster (default: $KUBECONFIG when set;"
                    + " without one, the exact manifests are written to files)")
    Path kubeconfig;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where the requester's kubeconfigs are written (default: inside --dir)")
    Path outDir;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "1h",
            description = "lease length the requester asks for, e.g. 30m, 2h (default ${DEFAULT-VALUE})")
    String leaseLength;

    @Override
    public Integer call() throws Exception {
        if (providers < 1 || providers > MAX_PROVIDERS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--providers " + providers + " is outside 1.." + MAX_PROVIDERS);
        }
        if (dhtNodes < 0 || dhtNodes > 200) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dht-nodes " + dhtNodes + " is outside 0..200");
        }
        Path clusterConfig = kubeconfig != null ? kubeconfig : fromEnvironment();
        Duration length = KubeDuration.parse("--lease", leaseLength);
        long s = seed != null ? seed : new SecureRandom().nextLong();
        Inputs inputs = Inputs.draw(mode, providers, s);
        PlacementWidths.DEFAULT.check(mode, inputs.request(), inputs.bids());
        PrintWriter err = spec.commandLine().getErr();
        // Connect first: a wrong kubeconfig is reported before anything starts.
        KubernetesClient cluster = clusterConfig == null ? null : Clusters.connect(clusterConfig);
        Path base = dir != null ? Files.createDirectories(dir).resolve("run-" + System.currentTimeMillis())
                : Files.createTempDirectory("angler-demo-");
        Path kubeconfigs = outDir != null ? outDir : base.resolve("kubeconfigs");
        LocalPool.Run run;
        // fingerprint -> the node's directory name (provider-1.. in start order; session order differs)
        java.util.Map<String, String> nodeNames = new java.util.HashMap<>();
        try (LocalPool pool = LocalPool.start(base, inputs.bids(), dhtNodes, MpcPlacementRunner::new,
                MpcPlacementRunner::new, cluster == null ? null : config -> clusterProvisioner(cluster),
                line -> progress(err, line))) {
            run = pool.request(mode, inputs.request(), length, kubeconfigs, line -> progress(err, line));
            for (int i = 0; i < pool.providers().size(); i++) {
                nodeNames.put(pool.providers().get(i).fingerprint(), "provider-" + (i + 1));
            }
        } catch (RequestException e) {
            err.println("angler demo: " + e.getMessage());
            err.flush();
            return Angler.EXIT_FAILURE;
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("provisioning into " + clusterConfig + " failed: " + Clusters.explain(e), e);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
        if (run.result().providers().size() < providers) {
            progress(err, "only " + run.result().providers().size() + " of " + providers
                    + " providers took part (the others were not found or did not answer)");
        }
        // The demo holds every secret, so it can check the private result against the plaintext placement.
        PlacementOutcome clear = PlaintextPlacement.place(mode, run.result().request(), run.bids());
        if (!clear.allocations().equals(run.result().allocations()) || !clear.providerViews().equals(run.views())) {
            throw new IllegalStateException("the placement under MPC gave " + run.result().allocations()
                    + " but the plaintext placement of the same inputs gives " + clear.allocations());
        }
        List<ProviderView> views = run.views();
        List<Allocation> allocations = run.result().allocations();
        PlacementReport report = new PlacementReport(mode, run.result().request(), run.bids(), allocations, views, true,
                run.timingsMs());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toJson());
        } else {
            out.println("Angler demo (seed " + s + "; repeat with --seed " + s + ")");
            out.println("PRIVATE: the placement ran under MPC (WRK) among " + (views.size() + 1)
                    + " nodes, each holding only its own input; the secrets are printed here only because this"
                    + " demo made them all.");
            out.println();
            report.printTable(out);
            out.println();
            out.println("Checked: the plaintext placement of the same inputs gives the same result.");
        }
        // With --json, stdout is the result object alone; where things went is told on stderr.
        PrintWriter where = json ? err : out;
        if (run.result().leases().isEmpty()) {
            where.println("Nothing was provisioned.");
        }
        for (HeldLease l : run.result().leases()) {
            int index = run.result().providers().stream().filter(p -> p.fingerprint().equals(l.providerFingerprint()))
                    .findFirst().orElseThrow().index();
            where.println("provider " + index + " (node " + nodeNames.get(l.providerFingerprint()) + "): namespace "
                    + l.namespace() + " with a quota of " + l.units() + " x "
                    + LocalPool.UNIT + ", " + run.provisioned().get(l.leaseId()) + "; kubeconfig " + l.kubeconfig());
            if (cluster != null) {
                where.println("  (remove with: kubectl delete namespace " + l.namespace() + ", or angler lease release "
                        + l.leaseId() + " while the demo runs)");
            }
        }
        where.println("Nodes' data" + (outDir == null ? ", kubeconfigs" : "") + (cluster == null ? " and manifests" : "")
                + ": " + base);
        out.flush();
        where.flush();
        return 0;
    }

    /** The winners' provisioner against the cluster: namespaces, quotas, RBAC and tokens through the API. */
    private static Provisioner clusterProvisioner(KubernetesClient client) {
        return new KubernetesProvisioner(client, KubernetesProvisioner.Settings.of(
                ClusterEndpoint.of(client.getConfiguration(), null)));
    }

    /** The first file of $KUBECONFIG (a path list, like kubectl reads it), or null. */
    private static Path fromEnvironment() {
        String env = System.getenv("KUBECONFIG");
        if (env == null || env.isBlank()) {
            return null;
        }
        return Path.of(env.split(java.io.File.pathSeparator)[0]);
    }

    private static void progress(PrintWriter err, String line) {
        err.println("... " + line);
        err.flush();
    }
}
