package io.angler.cli;

import io.angler.k8s.Clusters;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.config.Durations;
import io.angler.node.config.OfferConfig;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.config.ProvisionerSettings;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.provision.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler provider --config FILE}: runs a provider node until interrupted. */
@Command(name = "provider", mixinStandardHelpOptions = true,
        description = {
            "Runs a provider node: its offers from a YAML file (see deploy/examples/provider.yaml and",
            "docs/operations.md) announced on the pool's DHT, the control endpoint over mutual TLS, its side",
            "of each placement under MPC, leases and their expiry, and /metrics and /healthz.",
            "Stop it with Ctrl-C: offers are withdrawn, leases are kept in the data directory.",
        })
final class ProviderCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "the provider's YAML configuration")
    Path config;

    @Option(names = "--check", description = "validate the configuration, print a summary (no secrets) and exit")
    boolean check;

    @Override
    public Integer call() throws Exception {
        ProviderConfig c = ProviderConfigLoader.load(config);
        PrintWriter out = spec.commandLine().getOut();
        if (check) {
            out.println(config + ": valid");
            out.println("  data directory: " + c.node().dataDir());
            out.println("  control: " + c.node().listen() + ", MPC: " + c.node().mpcListen() + ", metrics: "
                    + (c.node().metrics() == null ? "off" : c.node().metrics()));
            out.println("  DHT: " + (c.node().dht() == null ? "off (offers are not announced; requesters need --provider)"
                    : c.node().dht().listen() + ", bootstrap " + c.node().dht().bootstrap() + ", expiry "
                    + Durations.format(c.node().dht().expiry())));
            for (OfferConfig oc : c.offers()) {
                out.println("  offer " + oc.offer().name() + ": unit " + oc.offer().unit() + ", at " + oc.offer().location()
                        + ", announced at precisions " + oc.announcePrecisions() + " (quantity and price are secret)");
                if (oc.offer().leaseLimits().minUnits() > 1) {
                    out.println("    note: lease.minUnits is not enforced in sessions (the placement circuit has no input"
                            + " for it; see docs/protocol.md)");
                }
            }
            ProvisionerSettings p = c.provisioner();
            out.println("  provisioner: " + p.kind().label() + (p.kind() == ProvisionerSettings.Kind.MANIFESTS
                    ? " into " + p.directory()
                    : " into the cluster of " + (p.kubeconfig() == null ? "the pod (in-cluster), $KUBECONFIG or"
                    + " ~/.kube/config" : p.kubeconfig()) + " (not contacted by --check)"));
            out.flush();
            return 0;
        }
        KubernetesClient cluster = c.provisioner().kind() == ProvisionerSettings.Kind.KUBERNETES
                ? Clusters.connect(c.provisioner().kubeconfig()) : null;
        Provisioner provisioner = provisioner(c.provisioner(), cluster);
        CountDownLatch stopped = new CountDownLatch(1);
        ProviderNode node;
        try {
            node = ProviderNode.start(c, provisioner, null, MpcPlacementRunner::new, Clock.systemUTC());
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        Thread hook = new Thread(() -> {
            node.close();
            if (cluster != null) {
                cluster.close();
            }
            stopped.countDown();
        }, "angler-provider-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("provider " + node.fingerprint());
        out.println("  control (TLS 1.3, mutual auth): " + hostPort(node.controlAddress()));
        out.println("  MPC sessions: " + hostPort(node.mpcAddress()));
        if (node.opsAddress() != null) {
            out.println("  metrics and health: http://" + hostPort(node.opsAddress()) + "/metrics, /healthz");
        }
        out.println("  leases: " + node.ledger().leases().size() + " active, kept in " + c.node().dataDir());
        if (node.dhtAddress() == null) {
            out.println("  DHT: off; requesters reach this provider with --provider " + hostPort(node.controlAddress()));
        } else {
            out.println("  DHT node: " + hostPort(node.dhtAddress()) + "; announcing offers "
                    + c.offers().stream().map(oc -> oc.offer().name()).toList() + " (/healthz says when they are stored)");
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** The manifest provisioner; for kind kubernetes, a provisioner into the cluster of its kubeconfig. */
    static Provisioner provisioner(ProvisionerSettings p) {
        return provisioner(p, p.kind() == ProvisionerSettings.Kind.KUBERNETES ? Clusters.connect(p.kubeconfig()) : null);
    }

    /**
     * @param cluster the provider's cluster, for kind kubernetes (a namespace, quota, RBAC and token per
     *     lease through the API; leases stay in the data directory: the operator keeps them as
     *     PoolLeases instead)
     */
    static Provisioner provisioner(ProvisionerSettings p, KubernetesClient cluster) {
        if (p.kind() == ProvisionerSettings.Kind.MANIFESTS) {
            return new ManifestProvisioner(p.directory(), new NamespaceManifests(p.egress()), p.server());
        }
        return new KubernetesProvisioner(cluster, new KubernetesProvisioner.Settings(
                ClusterEndpoint.of(cluster.getConfiguration(), p.server()), p.egress(), Optional.empty(),
                Duration.ofMinutes(1), Clock.systemUTC()));
    }
}
