package io.angler.cli;

import io.angler.core.geo.Geohash;
import io.angler.k8s.Clusters;
import io.angler.k8s.operator.AnglerOperator;
import io.angler.k8s.operator.IdentitySecret;
import io.angler.k8s.operator.ProviderNodeRuntime;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.config.DhtSettings;
import io.angler.node.config.Durations;
import io.angler.node.config.HostPort;
import io.angler.node.config.NodeSettings;
import io.angler.node.config.RateLimitSettings;
import io.angler.node.config.SessionSettings;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provision.EgressPolicy;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code angler operator}: the provider inside its Kubernetes cluster. A whole provider node
 * (control, MPC and DHT endpoints, ledger, sessions under MPC) whose offers are the
 * PoolContributions and whose leases are PoolLeases, in a pod or from a workstation.
 */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = {
            "Runs the provider in its Kubernetes cluster: a provider node whose offers are the",
            "PoolContributions (announced on the pool's DHT, served in sessions under MPC) and whose",
            "leases are PoolLeases (namespaces provisioned on claim, removed at expiry), until",
            "interrupted. Outside a cluster it uses --kubeconfig (or KUBECONFIG, ~/.kube/config).",
            "Every option can also be set through the environment variable named in its description.",
        })
final class OperatorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig of the provider's cluster (default: in-cluster, KUBECONFIG, ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:ANGLER_NAMESPACE:-angler-system}",
            description = "namespace of the operator, its PoolLeases and its identity Secret "
                    + "($ANGLER_NAMESPACE, default angler-system)")
    String namespace;

    @Option(names = "--public-server", paramLabel = "URL", defaultValue = "${env:ANGLER_PUBLIC_SERVER}",
            description = "API server URL that requesters reach, written into their kubeconfigs "
                    + "($ANGLER_PUBLIC_SERVER, default: the URL this operator uses)")
    String publicServer;

    @Option(names = "--egress", paramLabel = "POLICY", defaultValue = "${env:ANGLER_EGRESS:-isolated}",
            description = "where lease namespaces may connect: isolated, internet or open ($ANGLER_EGRESS, "
                    + "default isolated)")
    String egress;

    @Option(names = "--service-account", paramLabel = "NAME", defaultValue = "${env:ANGLER_SERVICE_ACCOUNT}",
            description = "the operator's ServiceAccount (in --namespace), bound to the angler-tenant ClusterRole "
                    + "in each lease namespace; needed with the least-privilege RBAC of deploy/rbac.yaml "
                    + "($ANGLER_SERVICE_ACCOUNT; leave unset for a cluster-admin kubeconfig)")
    String serviceAccount;

    @Option(names = "--certificate-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long to wait for the cluster to sign a client certificate (default ${DEFAULT-VALUE})")
    int certificateWait;

    @Option(names = "--in-cluster", description = "insist on running inside a pod (fails fast elsewhere)")
    boolean inCluster;

    @Option(names = "--data-dir", paramLabel = "DIR",
            defaultValue = "${env:ANGLER_DATA_DIR:-${sys:user.home}/.angler/operator}",
            description = "the node's working directory: won allocations waiting for their claim, the DHT node's "
                    + "state, a copy of the identity ($ANGLER_DATA_DIR, default ~/.angler/operator; an emptyDir "
                    + "in the pod)")
    Path dataDir;

    @Option(names = "--identity-secret", paramLabel = "NAME",
            defaultValue = "${env:ANGLER_IDENTITY_SECRET:-" + IdentitySecret.DEFAULT_NAME + "}",
            description = "Secret (in --namespace) that keeps the node's TLS identity across pods, made on the first "
                    + "start; 'none' keeps it in --data-dir only ($ANGLER_IDENTITY_SECRET, default "
                    + IdentitySecret.DEFAULT_NAME + ")")
    String identitySecret;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:ANGLER_LISTEN:-0.0.0.0:7400}",
            description = "control endpoint, TLS 1.3 with mutual authentication ($ANGLER_LISTEN, default 0.0.0.0:7400)")
    String listen;

    @Option(names = "--mpc-listen", paramLabel = "HOST:PORT", defaultValue = "${env:ANGLER_MPC_LISTEN:-0.0.0.0:7401}",
            description = "MPC endpoint of sessions ($ANGLER_MPC_LISTEN, default 0.0.0.0:7401)")
    String mpcListen;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", defaultValue = "${env:ANGLER_METRICS:-127.0.0.1:9464}",
            description = "/metrics, /healthz (ready) and /livez (alive), or 'off' ($ANGLER_METRICS, default "
                    + "127.0.0.1:9464; the pod binds 0.0.0.0 for its probes)")
    String metrics;

    @Option(names = "--dht-listen", paramLabel = "HOST:PORT", defaultValue = "${env:ANGLER_DHT_LISTEN:-0.0.0.0:6881}",
            description = "the node's DHT endpoint (UDP), or 'off' (offers are then not announced: requesters use "
                    + "--provider). Its host is the address the pool records for this provider, so requesters must "
                    + "reach the control and MPC ports there; a wildcard host means the address used towards the "
                    + "first bootstrap node ($ANGLER_DHT_LISTEN, default 0.0.0.0:6881)")
    String dhtListen;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", split = ",", defaultValue = "${env:ANGLER_BOOTSTRAP}",
            description = "DHT nodes to join the pool through, comma-separated ($ANGLER_BOOTSTRAP; none: this is the "
                    + "pool's first node)")
    List<String> bootstrap;

    @Option(names = "--dht-expiry", paramLabel = "DURATION", defaultValue = "${env:ANGLER_DHT_EXPIRY:-30m}",
            description = "how long a withdrawn offer may still be found; the same on every node of the pool "
                    + "($ANGLER_DHT_EXPIRY, default 30m)")
    String dhtExpiry;

    @Option(names = "--location", paramLabel = "GEOHASH", defaultValue = "${env:ANGLER_LOCATION}",
            description = "where the cluster is: the DHT node's ID starts with this cell (at least 4 characters; "
                    + "$ANGLER_LOCATION, required with a DHT)")
    String location;

    @Override
    public Integer call() throws InterruptedException {
        if (certificateWait < 1 || certificateWait > 3600) {
            throw bad("--certificate-wait " + certificateWait + " is outside 1..3600");
        }
        if (inCluster && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
            throw new IllegalArgumentException("--in-cluster: not running in a pod (KUBERNETES_SERVICE_HOST is unset)");
        }
        EgressPolicy egressPolicy = EgressPolicy.parse(egress);
        NodeSettings node = nodeSettings();
        Geohash where = node.dht() == null ? null : geohash();
        PrintWriter out = spec.commandLine().getOut();

        KubernetesClient client = Clusters.connect(kubeconfig);
        Optional<Subject> self = serviceAccount == null || serviceAccount.isBlank() ? Optional.empty()
                : Optional.of(new SubjectBuilder().withKind("ServiceAccount").withName(serviceAccount)
                .withNamespace(namespace).build());
        ClusterEndpoint endpoint = ClusterEndpoint.of(client.getConfiguration(), publicServer);
        KubernetesProvisioner provisioner = new KubernetesProvisioner(client, new KubernetesProvisioner.Settings(
                endpoint, egressPolicy, self, Duration.ofSeconds(certificateWait), Clock.systemUTC()));
        IdentitySecret identity = "none".equals(identitySecret) ? null
                : new IdentitySecret(client, namespace, identitySecret);
        Function<io.angler.mpc.net.MpcListener, io.angler.node.provider.SessionRunner> runners = MpcPlacementRunner::new;
        ProviderNodeRuntime runtime = new ProviderNodeRuntime(node, where, provisioner, runners, identity,
                Clock.systemUTC());
        AnglerOperator operator = new AnglerOperator(client, runtime, provisioner, namespace, Clock.systemUTC());
        try {
            operator.start();
            runtime.healthCheck("kubernetes", false, operator::healthy);
        } catch (KubernetesClientException e) {
            closeAll(operator, runtime, client);
            throw new IllegalStateException(Clusters.explain(e), e);
        } catch (RuntimeException e) {
            closeAll(operator, runtime, client);
            throw e;
        }
        ProviderNode n = runtime.node();
        out.println("angler operator: provider " + n.fingerprint());
        out.println("  control (TLS 1.3, mutual auth): " + hostPort(n.controlAddress()) + ", MPC sessions: "
                + hostPort(n.mpcAddress()));
        out.println("  DHT node: " + (n.dhtAddress() == null ? "off (requesters reach this provider with --provider "
                + hostPort(n.controlAddress()) + ")" : hostPort(n.dhtAddress()) + ", announcing the PoolContributions"));
        if (n.opsAddress() != null) {
            out.println("  metrics and health: http://" + hostPort(n.opsAddress()) + "/metrics, /healthz, /livez");
        }
        out.println("  watching PoolContributions and PoolLeases (namespace " + namespace + ") on "
                + client.getConfiguration().getMasterUrl());
        out.println("  requesters' kubeconfigs point at " + endpoint.server() + "; egress " + egressPolicy
                + (self.isPresent() ? "; binds angler-tenant to " + namespace + "/" + serviceAccount : ""));
        out.println("  identity kept in " + (identity == null ? node.dataDir() : identity.describe()));
        out.println("  stop with Ctrl-C");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            closeAll(operator, runtime, client);
            stopped.countDown();
        }, "angler-operator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from within the process (a test, an embedding program): stop as Ctrl-C would.
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            closeAll(operator, runtime, client);
            throw e;
        }
        return 0;
    }

    /** The node's settings from the flags; each bad value is named (exit code 2). */
    NodeSettings nodeSettings() {
        HostPort control = address("--listen", listen);
        HostPort mpc = address("--mpc-listen", mpcListen);
        HostPort ops = "off".equals(metrics) ? null : address("--metrics", metrics);
        DhtSettings dht = null;
        if (!"off".equals(dhtListen)) {
            HostPort dhtAddress = address("--dht-listen", dhtListen);
            List<HostPort> nodes = new ArrayList<>();
            for (String b : bootstrap == null ? List.<String>of() : bootstrap) {
                if (!b.isBlank()) {
                    HostPort hp = address("--bootstrap", b);
                    if (hp.port() == 0) {
                        throw bad("--bootstrap " + b + ": port 0 cannot be connected to");
                    }
                    nodes.add(hp);
                }
            }
            if (nodes.isEmpty() && isWildcard(dhtAddress.host())) {
                throw bad("--dht-listen " + dhtListen + ": with no --bootstrap nodes (the pool's first node), give the"
                        + " address other nodes reach this node at (in a pod: --dht-listen=$(POD_IP):6881)");
            }
            Duration expiry;
            try {
                expiry = Durations.parse(dhtExpiry);
                dht = new DhtSettings(dhtAddress, nodes, expiry);
            } catch (IllegalArgumentException e) {
                throw bad("--dht-expiry " + dhtExpiry + ": " + e.getMessage());
            }
        }
        return new NodeSettings(dataDir, control, mpc, ops, dht, RateLimitSettings.DEFAULT, SessionSettings.DEFAULT);
    }

    private Geohash geohash() {
        if (location == null || location.isBlank()) {
            throw bad("--location is required with a DHT: the cluster's geohash (e.g. dn5bpsbw), also $ANGLER_LOCATION");
        }
        try {
            Geohash g = Geohash.of(location);
            if (g.precision() < 4) {
                throw bad("--location " + location + " has " + g.precision() + " characters; give at least 4");
            }
            return g;
        } catch (IllegalArgumentException e) {
            throw bad("--location " + location + ": " + e.getMessage());
        }
    }

    private HostPort address(String flag, String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(flag + " " + text + ": " + e.getMessage());
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            try {
                c.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }
}
