package io.angler.k8s.operator;

import static io.angler.k8s.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.angler.core.geo.Geohash;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import io.angler.dht.DhtSwarm;
import io.angler.dht.Discovery;
import io.angler.dht.SearchLimits;
import io.angler.k8s.Deploy;
import io.angler.k8s.MockCluster;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.deploy.RbacRules;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.config.DhtSettings;
import io.angler.node.config.HostPort;
import io.angler.node.config.NodeSettings;
import io.angler.node.config.RateLimitSettings;
import io.angler.node.config.SessionSettings;
import io.angler.node.lease.Lease;
import io.angler.node.lease.Ledger;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.EgressPolicy;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import io.angler.node.requester.CandidateSource;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.LeaseClient;
import io.angler.node.requester.RequestResult;
import io.angler.node.requester.RequestSpec;
import io.angler.node.requester.Requester;
import io.angler.node.requester.RequesterSettings;
import io.angler.node.select.RuntimeModel;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operator with the real provider runtime: a provider node announcing the PoolContributions
 * in a small DHT on loopback, a requester (its own DHT node, the real WRK engine) finding it,
 * running sessions, claiming and receiving kubeconfigs, with the leases kept as PoolLeases and the
 * namespaces made in the mock API server. The oracle for prices is the contribution's formula
 * evaluated by hand at the units the ledger must have left.
 */
@EnableKubernetesMockClient(crud = true)
class ProviderNodeRuntimeTest {
    static final String NS = RbacRules.NS;
    static final String AGENT = "angler-operator-runtime-test";
    /** Short, so that a withdrawn offer is gone from lookups within seconds; every node uses it. */
    static final Duration EXPIRY = Duration.ofSeconds(4);
    static final Geohash LOCATION = Geohash.of("dn5bpsbw");
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final Map<String, String> SMALL = Map.of("cpu", "200m", "memory", "128Mi");
    static final Map<String, String> LARGER = Map.of("cpu", "200m", "memory", "256Mi");
    /** Secret inputs chosen to be easy to spot in a log line: they must never appear in one. */
    static final long QUANTITY = 3737;
    static final String PRICE = "(3*(q-r))+4141";
    static final String NEW_PRICE = "(2*r)+7007";

    KubernetesMockServer server;
    KubernetesClient client;
    @TempDir
    Path dir;

    KubernetesClient op;
    DhtNode bootstrap;
    DhtSwarm swarm;
    DhtNode requesterDht;
    Requester requester;
    ProviderNodeRuntime runtime;
    AnglerOperator operator;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp() {
        Deploy.installCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        op = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT)
                .build()).build();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);

        bootstrap = DhtNode.start(new DhtConfig(dir.resolve("dht/bootstrap"), new InetSocketAddress(LOOPBACK, 0),
                List.of(), LOCATION, 6, EXPIRY));
        swarm = DhtSwarm.start(dir.resolve("dht/swarm"), LOOPBACK, List.of(bootstrap.endpoint()),
                List.of(Geohash.of("dn5bpsbz"), Geohash.of("dn5bpscz"), Geohash.of("dn5bpkzz"), Geohash.of("dn5bnzzz")),
                EXPIRY, null);
        swarm.awaitBootstrap(Duration.ofSeconds(30));
        requesterDht = DhtNode.start(new DhtConfig(dir.resolve("dht/requester"), new InetSocketAddress(LOOPBACK, 0),
                List.of(bootstrap.endpoint()), LOCATION, 6, EXPIRY));
        requesterDht.awaitBootstrap(Duration.ofSeconds(30));
        requester = Requester.start(new RequesterSettings(dir.resolve("requester"), new HostPort("127.0.0.1", 0), null,
                RuntimeModel.loadDefault(), Duration.ofSeconds(10)), MpcPlacementRunner::new, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        stopOperator();
        for (AutoCloseable c : new AutoCloseable[] {requester, requesterDht, swarm, bootstrap, op}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /**
     * The provider's node as the operator's pod runs it, its data directory an emptyDir, on the
     * given control, MPC and DHT ports (0: chosen by the system).
     */
    void startOperator(Path emptyDir, int control, int mpc, int dht) {
        NodeSettings settings = new NodeSettings(emptyDir, new HostPort("127.0.0.1", control),
                new HostPort("127.0.0.1", mpc), new HostPort("127.0.0.1", 0),
                new DhtSettings(new HostPort("127.0.0.1", dht), List.of(new HostPort("127.0.0.1",
                        bootstrap.endpoint().getPort())), EXPIRY),
                RateLimitSettings.DEFAULT, SessionSettings.DEFAULT);
        KubernetesProvisioner provisioner = new KubernetesProvisioner(op, new KubernetesProvisioner.Settings(
                new ClusterEndpoint("https://k8s.example.net:6443", ""), EgressPolicy.ISOLATED,
                Optional.of(new SubjectBuilder().withKind("ServiceAccount").withName("angler-operator")
                        .withNamespace(NS).build()), Duration.ofSeconds(20), Clock.systemUTC()));
        runtime = new ProviderNodeRuntime(settings, LOCATION, withTokens(provisioner), MpcPlacementRunner::new,
                new IdentitySecret(op, NS, IdentitySecret.DEFAULT_NAME), Clock.systemUTC());
        operator = new AnglerOperator(op, runtime, provisioner, NS, Clock.systemUTC(), Duration.ofSeconds(1));
        operator.start();
    }

    void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    /** The mock has no TokenRequest endpoint: each lease's token is an expectation set as it is provisioned. */
    Provisioner withTokens(KubernetesProvisioner p) {
        return new Provisioner() {
            @Override
            public Provisioned provision(Lease lease, CredentialRequest credentials) {
                MockCluster.issueTokens(server, lease.namespace(), Clock.systemUTC());
                return p.provision(lease, credentials);
            }

            @Override
            public void deprovision(Lease lease) {
                p.deprovision(lease);
            }
        };
    }

    /** The expiry of the token in a lease's kubeconfig file. */
    static java.time.Instant tokenExpiry(HeldLease lease) throws java.io.IOException {
        io.fabric8.kubernetes.api.model.Config kc = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                Files.readString(Path.of(lease.kubeconfig())), io.fabric8.kubernetes.api.model.Config.class);
        return MockCluster.tokenExpiry(kc.getUsers().get(0).getUser().getToken());
    }

    static PoolContribution contribution(Map<String, String> unit, String price) {
        PoolContribution pc = new PoolContribution();
        pc.setMetadata(new ObjectMetaBuilder().withName("sample").build());
        pc.setSpec(new PoolContribution.Spec(unit, QUANTITY, price, LOCATION.text(), null, null));
        return pc;
    }

    PoolContribution sample() {
        return client.resources(PoolContribution.class).withName("sample").get();
    }

    static String ready(PoolContribution pc) {
        return pc.getStatus() == null ? "none" : pc.getStatus().conditions().stream()
                .filter(c -> c.getType().equals("Ready")).map(c -> c.getStatus() + " " + c.getReason()).findFirst()
                .orElse("none");
    }

    RequestResult request(Map<String, String> unit, long units) {
        RequestSpec spec = new RequestSpec(ResourceUnit.of(unit), units, LOCATION, PlacementMode.FIRST_PRICE, 1, null,
                RequestSpec.DEFAULT_BUDGET, 9, new SearchLimits(6, 4, 1, Duration.ofSeconds(5)), Duration.ofHours(1),
                false, dir.resolve("kubeconfigs"), Duration.ofSeconds(60), 2);
        return requester.request(spec, CandidateSource.dht(requesterDht), line -> { });
    }

    /** What a lookup of the unit's pool key at precision 6 finds now. */
    List<InetSocketAddress> lookup(Map<String, String> unit) {
        PoolKey key = PoolKey.of(ResourceUnit.of(unit), LOCATION.prefix(6));
        return new Discovery(requesterDht).lookup(key, Duration.ofSeconds(5)).providers();
    }

    @Test
    void theOperatorServesSessionsAnnouncesRepricesWithdrawsAndRebuildsItsLedger() throws Exception {
        startOperator(dir.resolve("pod"), 0, 0, 0);
        String fingerprint = runtime.fingerprint();
        assertThat(client.secrets().inNamespace(NS).withName(IdentitySecret.DEFAULT_NAME).get())
                .as("the node's identity is kept in its Secret").isNotNull();

        // Added: announced in the DHT, all units free.
        client.resource(contribution(SMALL, PRICE)).create();
        eventually(Duration.ofSeconds(60), () -> {
            assertThat(ready(sample())).isEqualTo("True Announced");
            assertThat(sample().getStatus().remainingUnits()).isEqualTo(QUANTITY);
        });
        eventually(Duration.ofSeconds(30), () -> assertThat(lookup(SMALL)).contains(runtime.controlAddress()));

        // A requester finds it, runs a session under MPC and claims: f(3737, 3737) = 4141.
        RequestResult first = request(SMALL, 5);
        assertThat(first.allocations()).containsExactly(new Allocation(1, 5, 4141));
        HeldLease lease1 = first.leases().get(0);
        assertThat(lease1.providerFingerprint()).isEqualTo(fingerprint);
        assertThat(Files.readString(Path.of(lease1.kubeconfig())))
                .contains("namespace: \"" + lease1.namespace() + "\"").contains("https://k8s.example.net:6443");
        assertThat(tokenExpiry(lease1)).as("a token for the lease's term")
                .isBetween(lease1.expiresAt().minusSeconds(2), lease1.expiresAt().plusSeconds(1));
        PoolLease pl = client.resources(PoolLease.class).inNamespace(NS).withName(lease1.leaseId()).get();
        assertThat(pl.getSpec().units()).isEqualTo(5);
        assertThat(pl.getSpec().requester()).isEqualTo(requester.fingerprint());
        String ns1 = lease1.namespace();
        assertThat(client.namespaces().withName(ns1).get()).isNotNull();
        assertThat(client.serviceAccounts().inNamespace(ns1).withName("angler-tenant").get()).isNotNull();
        assertThat(Quantity.getAmountInBytes(client.resourceQuotas().inNamespace(ns1).withName("angler-quota").get()
                .getSpec().getHard().get("requests.cpu"))).as("5 units of 200m").isEqualByComparingTo(BigDecimal.ONE);
        assertThat(client.network().networkPolicies().inNamespace(ns1).withName("angler-isolation").get()).isNotNull();
        assertThat(client.rbac().roleBindings().inNamespace(ns1).withName("angler-provisioner").get()).isNotNull();
        eventually(() -> {
            assertThat(sample().getStatus().remainingUnits()).isEqualTo(QUANTITY - 5);
            assertThat(sample().getStatus().activeLeases()).isEqualTo(1);
        });

        // Modified: a new price and a new unit (so new pool keys), re-announced; the first lease still counts.
        client.resources(PoolContribution.class).withName("sample").edit(pc -> {
            pc.setSpec(contribution(LARGER, NEW_PRICE).getSpec());
            return pc;
        });
        eventually(Duration.ofSeconds(60), () -> {
            PoolContribution pc = sample();
            assertThat(pc.getStatus().observedGeneration()).isEqualTo(pc.getMetadata().getGeneration());
            assertThat(ready(pc)).isEqualTo("True Announced");
        });
        eventually(Duration.ofSeconds(30), () -> assertThat(lookup(LARGER)).contains(runtime.controlAddress()));
        RequestResult second = request(LARGER, 2);
        assertThat(second.allocations()).as("f(3737, 3732) = 2*3732+7007").containsExactly(new Allocation(1, 2, 14471));
        HeldLease lease2 = second.leases().get(0);
        eventually(() -> assertThat(sample().getStatus().remainingUnits()).isEqualTo(QUANTITY - 7));
        // The old unit's keys are no longer announced: lookups stop finding them within the expiry.
        eventually(EXPIRY.multipliedBy(3), () -> assertThat(lookup(SMALL)).isEmpty());

        // The operator's container restarts (its emptyDir and the pod's ports stay): the ledger is rebuilt
        // from the PoolLeases, and a quota deleted meanwhile is put back. (A new pod, with a new DHT node
        // and an empty data directory, gets its identity back from the Secret: IdentitySecretTest.)
        client.resourceQuotas().inNamespace(ns1).withName("angler-quota").delete();
        var node = runtime.node();
        int control = node.controlAddress().getPort();
        int mpc = node.mpcAddress().getPort();
        int dht = node.dhtAddress().getPort();
        stopOperator();
        startOperator(dir.resolve("pod"), control, mpc, dht);
        assertThat(runtime.fingerprint()).as("the same identity, from the Secret").isEqualTo(fingerprint);
        assertThat(runtime.node().ledger().balance("sample")).as("no unit counted twice")
                .isEqualTo(new Ledger.Balance(QUANTITY, 7, 0, QUANTITY - 7));
        eventually(Duration.ofSeconds(60), () -> {
            assertThat(runtime.announceProblem("sample")).as("announced again by the restarted node").isEmpty();
            assertThat(ready(sample())).isEqualTo("True Announced");
            assertThat(sample().getStatus().remainingUnits()).isEqualTo(QUANTITY - 7);
            assertThat(client.resourceQuotas().inNamespace(ns1).withName("angler-quota").get()).isNotNull();
        });
        LeaseClient leases = new LeaseClient(requester.identity(), requester.heldLeases(), Duration.ofSeconds(10));
        HeldLease renewed = leases.renew(lease1.leaseId(), Duration.ofHours(2), LeaseClient.Credential.AS_BEFORE).lease();
        assertThat(renewed.expiresAt()).as("the restarted provider knows the lease and is the same identity")
                .isAfter(lease1.expiresAt());
        assertThat(tokenExpiry(renewed)).as("the kubeconfig was replaced by one with a token until the new expiry")
                .isBetween(renewed.expiresAt().minusSeconds(2), renewed.expiresAt().plusSeconds(1));
        assertThat(java.time.Instant.parse(client.resources(PoolLease.class).inNamespace(NS).withName(lease1.leaseId())
                .get().getSpec().expiresAt()).toEpochMilli()).as("the PoolLease keeps in step")
                .isEqualTo(renewed.expiresAt().toEpochMilli());
        assertThat(client.namespaces().withName(ns1).get().getMetadata().getAnnotations().get("angler.io/expires-at"))
                .isEqualTo(client.resources(PoolLease.class).inNamespace(NS).withName(lease1.leaseId()).get()
                        .getSpec().expiresAt());
        leases.release(lease2.leaseId());
        eventually(() -> {
            assertThat(client.resources(PoolLease.class).inNamespace(NS).withName(lease2.leaseId()).get()).isNull();
            assertThat(client.namespaces().withName(lease2.namespace()).get()).isNull();
            assertThat(sample().getStatus().remainingUnits()).isEqualTo(QUANTITY - 5);
        });

        // Deleted: withdrawn, gone from lookups within the expiry; its lease runs on.
        eventually(Duration.ofSeconds(30), () -> assertThat(lookup(LARGER)).contains(runtime.controlAddress()));
        client.resources(PoolContribution.class).withName("sample").delete();
        eventually(() -> assertThat(sample()).isNull());
        assertThat(runtime.node().ledger().offer("sample")).isEmpty();
        eventually(EXPIRY.multipliedBy(3), () -> assertThat(lookup(LARGER)).isEmpty());
        assertThat(client.resources(PoolLease.class).inNamespace(NS).withName(lease1.leaseId()).get()).isNotNull();
        assertThat(client.namespaces().withName(ns1).get()).isNotNull();
        stopOperator();

        // The secrets appear in the provider's own status only: no log line carries a quantity, a
        // remaining count or a price function.
        Pattern secret = Pattern.compile("\\b(3737|3735|3732|3730|4141|14471)\\b|q-r|2\\*r");
        List<String> leaked = new ArrayList<>();
        for (ILoggingEvent e : Collections.unmodifiableList(new ArrayList<>(logs.list))) {
            if (secret.matcher(e.getFormattedMessage()).find()) {
                leaked.add(e.getLoggerName() + ": " + e.getFormattedMessage());
            }
        }
        assertThat(leaked).isEmpty();
        assertThat(logs.list).as("the log was captured").isNotEmpty();

        // Every request the operator and its runtime made is one deploy/rbac.yaml grants.
        assertThat(RbacRules.audit(server, AGENT).denied()).as("requests the RBAC would deny").isEmpty();
    }
}
