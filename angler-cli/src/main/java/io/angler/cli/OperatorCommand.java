package io.angler.cli;

import io.angler.k8s.Clusters;
import io.angler.k8s.operator.AnglerOperator;
import io.angler.k8s.operator.LocalLedger;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.provision.EgressPolicy;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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

/** {@code angler operator}: the provider's Kubernetes operator, in a pod or from a workstation. */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = {
            "Runs the angler operator: reconciles PoolContributions (the provider's",
            "offers) and PoolLeases (its allocations), provisions and expires lease",
            "namespaces, until interrupted. Outside a cluster it uses --kubeconfig",
            "(or KUBECONFIG, ~/.kube/config).",
        })
final class OperatorCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig of the provider's cluster (default: in-cluster, KUBECONFIG, ~/.kube/config)")
    Path kubeconfig;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:ANGLER_NAMESPACE:-angler-system}",
            description = "namespace of the operator and its PoolLeases (default: $ANGLER_NAMESPACE or ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--public-server", paramLabel = "URL", defaultValue = "${env:ANGLER_PUBLIC_SERVER}",
            description = "API server URL that requesters reach, written into their kubeconfigs "
                    + "(default: $ANGLER_PUBLIC_SERVER, else the URL this operator uses)")
    String publicServer;

    @Option(names = "--egress", paramLabel = "POLICY", defaultValue = "isolated",
            description = "where lease namespaces may connect: isolated, internet or open (default ${DEFAULT-VALUE})")
    String egress;

    @Option(names = "--service-account", paramLabel = "NAME", defaultValue = "${env:ANGLER_SERVICE_ACCOUNT}",
            description = "the operator's ServiceAccount (in --namespace), bound to the angler-tenant ClusterRole "
                    + "in each lease namespace; needed with the least-privilege RBAC of deploy/rbac.yaml "
                    + "(default: $ANGLER_SERVICE_ACCOUNT; leave unset for a cluster-admin kubeconfig)")
    String serviceAccount;

    @Option(names = "--certificate-wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long to wait for the cluster to sign a client certificate (default ${DEFAULT-VALUE})")
    int certificateWait;

    @Option(names = "--in-cluster", description = "insist on running inside a pod (fails fast elsewhere)")
    boolean inCluster;

    @Override
    public Integer call() throws InterruptedException {
        if (certificateWait < 1 || certificateWait > 3600) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--certificate-wait " + certificateWait
                    + " is outside 1..3600");
        }
        if (inCluster && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
            throw new IllegalArgumentException("--in-cluster: not running in a pod (KUBERNETES_SERVICE_HOST is unset)");
        }
        EgressPolicy egressPolicy = EgressPolicy.parse(egress);
        PrintWriter out = spec.commandLine().getOut();
        KubernetesClient client = Clusters.connect(kubeconfig);
        Optional<Subject> self = serviceAccount == null || serviceAccount.isBlank() ? Optional.empty()
                : Optional.of(new SubjectBuilder().withKind("ServiceAccount").withName(serviceAccount)
                .withNamespace(namespace).build());
        ClusterEndpoint endpoint = ClusterEndpoint.of(client.getConfiguration(), publicServer);
        KubernetesProvisioner provisioner = new KubernetesProvisioner(client, new KubernetesProvisioner.Settings(
                endpoint, egressPolicy, self, Duration.ofSeconds(certificateWait), Clock.systemUTC()));
        LocalLedger ledger = new LocalLedger();
        AnglerOperator operator = new AnglerOperator(client, ledger, provisioner, namespace, Clock.systemUTC());
        try {
            operator.start();
        } catch (KubernetesClientException e) {
            operator.close();
            client.close();
            throw new IllegalStateException(Clusters.explain(e), e);
        }
        out.println("angler operator: watching PoolContributions and PoolLeases (namespace " + namespace + ") on "
                + client.getConfiguration().getMasterUrl());
        out.println("  requesters' kubeconfigs point at " + endpoint.server() + "; egress " + egressPolicy
                + (self.isPresent() ? "; binds angler-tenant to " + namespace + "/" + serviceAccount : ""));
        out.println("  this build keeps the ledger and leases; announcing offers in the pool needs the provider runtime"
                + " (angler provider), which is not wired into the operator yet");
        out.println("  stop with Ctrl-C");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            operator.close();
            client.close();
            stopped.countDown();
        }, "angler-operator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
