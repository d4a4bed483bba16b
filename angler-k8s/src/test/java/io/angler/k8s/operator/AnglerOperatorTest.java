package io.angler.k8s.operator;

import static io.angler.k8s.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.angler.k8s.Deploy;
import io.angler.k8s.MockCluster;
import io.angler.k8s.TestLeases;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.lease.PoolLeaseStore;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class AnglerOperatorTest {
    static final String NS = "angler-system";

    KubernetesMockServer server;
    KubernetesClient client;
    RecordingNode node;
    KubernetesProvisioner provisioner;
    AnglerOperator operator;

    @BeforeEach
    void setUp() {
        Deploy.installCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        node = new RecordingNode();
        provisioner = new KubernetesProvisioner(client,
                KubernetesProvisioner.Settings.of(new ClusterEndpoint("https://k8s.example.net:6443", "")));
    }

    @AfterEach
    void tearDown() {
        if (operator != null) {
            operator.close();
        }
    }

    private void start() {
        start(AnglerOperator.PROVISIONING_GRACE);
    }

    private void start(Duration provisioningGrace) {
        operator = new AnglerOperator(client, node, provisioner, NS, Clock.systemUTC(), provisioningGrace);
        operator.start();
    }

    private static Condition condition(PoolLease pl, String type) {
        return pl.getStatus() == null || pl.getStatus().conditions() == null ? null
                : pl.getStatus().conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    static PoolContribution contribution(String name, Map<String, String> unit, long quantity, String price,
                                         String location) {
        PoolContribution pc = new PoolContribution();
        pc.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pc.setSpec(new PoolContribution.Spec(unit, quantity, price, location,
                new PoolContribution.LeaseLimitsSpec("5m", "24h", 2L), null));
        return pc;
    }

    static PoolContribution gpu(long quantity, String price) {
        return contribution("gpu-pool", Map.of("cpu", "500m", "memory", "1Gi", "nvidia.com/gpu", "1"), quantity, price,
                "dn5bpsbw");
    }

    private PoolContribution get(String name) {
        return client.resources(PoolContribution.class).withName(name).get();
    }

    private static Condition ready(PoolContribution pc) {
        assertThat(pc.getStatus()).isNotNull();
        return pc.getStatus().conditions().stream().filter(c -> c.getType().equals("Ready")).findFirst()
                .orElseThrow(() -> new AssertionError("no Ready condition"));
    }

    @Test
    void addedModifiedAndDeletedContributionsAreAnnouncedRepricedAndWithdrawn() {
        start();
        client.resource(gpu(10, "(2*(q-r))+20")).create();
        eventually(() -> {
            PoolContribution pc = get("gpu-pool");
            assertThat(ready(pc).getStatus()).isEqualTo("True");
            assertThat(ready(pc).getReason()).isEqualTo("Announced");
            assertThat(pc.getStatus().remainingUnits()).isEqualTo(10);
            assertThat(pc.getStatus().activeLeases()).isZero();
            assertThat(pc.getStatus().observedGeneration()).isEqualTo(pc.getMetadata().getGeneration());
        });
        assertThat(node.calls()).containsExactly("restore []", "publish gpu-pool q=10 f=(2*(q-r))+20 at [4, 5, 6]");
        var offer = node.offer("gpu-pool").orElseThrow();
        assertThat(offer.leaseLimits().minDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(offer.leaseLimits().maxDuration()).isEqualTo(Duration.ofHours(24));
        assertThat(offer.leaseLimits().minUnits()).isEqualTo(2);
        assertThat(offer.unit().canonical()).isEqualTo("cpu=500m,memory=1073741824,nvidia.com/gpu=1");

        long firstGeneration = get("gpu-pool").getMetadata().getGeneration();
        client.resources(PoolContribution.class).withName("gpu-pool").edit(pc -> {
            pc.setSpec(gpu(12, "3*q+r").getSpec());
            return pc;
        });
        eventually(() -> {
            PoolContribution pc = get("gpu-pool");
            assertThat(pc.getMetadata().getGeneration()).isGreaterThan(firstGeneration);
            assertThat(pc.getStatus().observedGeneration()).isEqualTo(pc.getMetadata().getGeneration());
            assertThat(pc.getStatus().remainingUnits()).isEqualTo(12);
        });
        assertThat(node.calls()).last().isEqualTo("publish gpu-pool q=12 f=3*q+r at [4, 5, 6]");
        assertThat(node.offer("gpu-pool").orElseThrow().priceNow(12)).isEqualTo(3 * 12 + 12);

        client.resources(PoolContribution.class).withName("gpu-pool").delete();
        eventually(() -> assertThat(get("gpu-pool")).isNull());
        assertThat(node.calls()).last().isEqualTo("withdraw gpu-pool");
        assertThat(node.offer("gpu-pool")).isEmpty();
    }

    @Test
    void invalidContributionsGetAFailingConditionAndAreNotAnnounced() {
        start();
        client.resource(contribution("negative", Map.of("cpu", "1"), -3, "10", "dn5bpsbw")).create();
        client.resource(contribution("bad-price", Map.of("cpu", "1"), 5, "(2*q", "dn5bpsbw")).create();
        client.resource(contribution("evil-price", Map.of("cpu", "1"), 5, "exec(1)", "dn5bpsbw")).create();
        client.resource(contribution("bad-geohash", Map.of("cpu", "1"), 5, "10", "dn5ai")).create();
        client.resource(contribution("bad-unit", Map.of("cpu", "lots"), 5, "10", "dn5bpsbw")).create();
        client.resource(contribution("div-zero", Map.of("cpu", "1"), 5, "100/r", "dn5bpsbw")).create();
        client.resource(contribution("huge", Map.of("cpu", "1"), 70000, "10", "dn5bpsbw")).create();
        Map<String, String> expected = Map.of(
                "huge", "spec.quantity: 70000 is more than the 65535 units the placement circuit holds",
                "negative", "spec.quantity: -3 is negative",
                "bad-price", "spec.price: price function: '(2*q' is not a valid formula",
                "evil-price", "spec.price: price function: unknown name 'exec'",
                "bad-geohash", "spec.location: geohash: 'dn5ai' has 'a' at position 4",
                "bad-unit", "spec.unit: cpu: 'lots' is not a Kubernetes quantity",
                "div-zero", "spec.price: price function: '100/r' cannot be evaluated for q=5, r=0");
        eventually(() -> expected.forEach((name, message) -> {
            PoolContribution pc = get(name);
            Condition c = ready(pc);
            assertThat(c.getStatus()).as(name).isEqualTo("False");
            assertThat(c.getReason()).as(name).isEqualTo("InvalidSpec");
            assertThat(c.getMessage()).as(name).startsWith(message);
            assertThat(pc.getStatus().remainingUnits()).as(name).isNull();
        }));
        assertThat(node.calls()).noneMatch(call -> call.startsWith("publish"));
    }

    @Test
    void aFailedAnnouncementIsReportedAndRetried() {
        node = new RecordingNode() {
            private int attempts;

            @Override
            public synchronized void publish(io.angler.core.offer.Offer offer, List<Integer> precisions) {
                if (attempts++ == 0) {
                    throw new IllegalStateException("no DHT peers reachable");
                }
                super.publish(offer, precisions);
            }
        };
        start();
        client.resource(gpu(4, "50")).create();
        eventually(() -> {
            Condition c = ready(get("gpu-pool"));
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("AnnounceFailed");
            assertThat(c.getMessage()).isEqualTo("no DHT peers reachable");
        });
        assertThat(node.offer("gpu-pool")).isEmpty();
        // an edit reconciles again at once (the timed retry would too, after 30 s)
        client.resources(PoolContribution.class).withName("gpu-pool").edit(pc -> {
            pc.setSpec(gpu(5, "50").getSpec());
            return pc;
        });
        eventually(() -> assertThat(ready(get("gpu-pool")).getStatus()).isEqualTo("True"));
        assertThat(node.offer("gpu-pool").orElseThrow().quantity()).isEqualTo(5);
    }

    @Test
    void anOfferIsReadyOnlyOnceItIsStoredInTheDht() {
        java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>(
                "no DHT node stored key 1234");
        node = new RecordingNode() {
            @Override
            public String announceProblem(String offerName) {
                return problem.get();
            }
        };
        start();
        client.resource(gpu(4, "50")).create();
        eventually(() -> {
            Condition c = ready(get("gpu-pool"));
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Announcing");
            assertThat(c.getMessage()).contains("not yet stored in the pool's DHT: no DHT node stored key 1234");
            assertThat(get("gpu-pool").getStatus().remainingUnits()).as("sessions are served meanwhile").isEqualTo(4);
        });
        problem.set("");
        eventually(Duration.ofSeconds(10), () -> assertThat(ready(get("gpu-pool")).getReason()).isEqualTo("Announced"));
    }

    @Test
    void aContributionCollidingWithAnotherIsNotAnnouncedAndItsOldVersionIsWithdrawn() {
        node = new RecordingNode() {
            @Override
            public synchronized void publish(io.angler.core.offer.Offer offer, List<Integer> precisions) {
                if (offer.quantity() == 13) {
                    throw new IllegalArgumentException("offers 'other' and '" + offer.name() + "' share the pool key");
                }
                super.publish(offer, precisions);
            }
        };
        start();
        client.resource(gpu(4, "50")).create();
        eventually(() -> assertThat(ready(get("gpu-pool")).getStatus()).isEqualTo("True"));
        client.resources(PoolContribution.class).withName("gpu-pool").edit(pc -> {
            pc.setSpec(gpu(13, "50").getSpec());
            return pc;
        });
        eventually(() -> {
            Condition c = ready(get("gpu-pool"));
            assertThat(c.getReason()).isEqualTo("Conflict");
            assertThat(c.getMessage()).isEqualTo("offers 'other' and 'gpu-pool' share the pool key");
            assertThat(node.offer("gpu-pool")).isEmpty();
        });
        assertThat(node.calls()).last().isEqualTo("withdraw gpu-pool");
    }

    @Test
    void theRuntimeStartsWithTheValidContributionsOnly() {
        client.resource(gpu(10, "20")).create();
        client.resource(contribution("broken", Map.of("cpu", "1"), 5, "(2*q", "dn5bpsbw")).create();
        // same unit and cell as gpu-pool: one pool key, so only the first listed is restored
        client.resource(contribution("twin", Map.of("cpu", "500m", "memory", "1Gi", "nvidia.com/gpu", "1"), 3, "9",
                "dn5bpsbw")).create();
        start();
        assertThat(node.calls().get(0)).isIn("restore [gpu-pool]", "restore [twin]");
    }

    @Test
    void missingObjectsOfALiveLeaseAreRestoredAfterItsProvisioningGrace() {
        Lease old = TestLeases.lease("lease-o", "gpu-pool", "cpu=1", 2, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofHours(3));
        Lease young = TestLeases.lease("lease-n", "gpu-pool", "cpu=1", 1, Instant.now(), Duration.ofHours(3));
        PoolLeaseStore store = new PoolLeaseStore(client, NS);
        for (Lease l : List.of(old, young)) {
            store.put(l);
            MockCluster.expectToken(server, l.namespace(), "tok");
            provisioner.provision(l, new CredentialRequest.ServiceAccountToken());
        }
        // objects deleted by hand while the operator was down
        client.resourceQuotas().inNamespace(old.namespace()).withName("angler-quota").delete();
        client.rbac().roleBindings().inNamespace(old.namespace()).withName("angler-tenant").delete();
        client.resourceQuotas().inNamespace(young.namespace()).withName("angler-quota").delete();
        // and a PoolLease the ledger does not hold (not granted by this provider): never provisioned
        Lease stranger = TestLeases.lease("lease-s", "gpu-pool", "cpu=1", 1, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofHours(3));

        start(Duration.ofSeconds(4));
        store.put(stranger);
        eventually(() -> {
            assertThat(client.resourceQuotas().inNamespace(old.namespace()).withName("angler-quota").get()).isNotNull();
            assertThat(client.rbac().roleBindings().inNamespace(old.namespace()).withName("angler-tenant").get())
                    .isNotNull();
            Condition c = condition(client.resources(PoolLease.class).inNamespace(NS).withName("lease-o").get(),
                    PoolLeaseReconciler.PROVISIONED);
            assertThat(c).isNotNull();
            assertThat(c.getReason()).isEqualTo("Restored");
            assertThat(c.getMessage()).isEqualTo("recreated [ResourceQuota angler-quota, RoleBinding angler-tenant]");
            assertThat(client.resources(PoolLease.class).inNamespace(NS).withName("lease-n").get().getStatus())
                    .isNotNull();
        });
        assertThat(client.resourceQuotas().inNamespace(young.namespace()).withName("angler-quota").get())
                .as("left alone within the grace: its claim may still be provisioning it").isNull();
        eventually(() -> assertThat(client.resourceQuotas().inNamespace(young.namespace()).withName("angler-quota")
                .get()).as("restored once the grace is over").isNotNull());
        assertThat(client.namespaces().withName(stranger.namespace()).get()).isNull();
        assertThat(condition(client.resources(PoolLease.class).inNamespace(NS).withName("lease-s").get(),
                PoolLeaseReconciler.PROVISIONED)).isNull();
    }

    @Test
    void anEditThatBreaksAnAnnouncedContributionWithdrawsIt() {
        start();
        client.resource(gpu(4, "50")).create();
        eventually(() -> assertThat(ready(get("gpu-pool")).getStatus()).isEqualTo("True"));
        client.resources(PoolContribution.class).withName("gpu-pool").edit(pc -> {
            pc.setSpec(gpu(4, "q*").getSpec());
            return pc;
        });
        eventually(() -> {
            assertThat(ready(get("gpu-pool")).getStatus()).isEqualTo("False");
            assertThat(node.offer("gpu-pool")).isEmpty();
        });
        assertThat(node.calls()).last().isEqualTo("withdraw gpu-pool");
    }

    @Test
    void theLedgerIsRebuiltFromPoolLeasesAfterARestart() {
        Instant now = Instant.now();
        Lease a = TestLeases.lease("lease-a", "gpu-pool", "cpu=500m,memory=1Gi,nvidia.com/gpu=1", 3, now,
                Duration.ofHours(1));
        Lease b = TestLeases.lease("lease-b", "gpu-pool", "cpu=500m,memory=1Gi,nvidia.com/gpu=1", 2, now,
                Duration.ofHours(2));
        Lease other = TestLeases.lease("lease-c", "cpu-pool", "cpu=1", 7, now, Duration.ofHours(1));
        // A previous run of the provider stored these leases, then stopped.
        PoolLeaseStore store = new PoolLeaseStore(client, NS);
        store.put(a);
        store.put(b);
        store.put(other);
        client.resource(gpu(10, "20")).create();

        start();
        assertThat(node.leases()).containsExactlyInAnyOrder(a, b, other);
        eventually(() -> {
            PoolContribution pc = get("gpu-pool");
            assertThat(pc.getStatus().remainingUnits()).isEqualTo(10 - 3 - 2);
            assertThat(pc.getStatus().activeLeases()).isEqualTo(2);
        });
        // the leases are kept: each has an Active status and nothing was deprovisioned
        eventually(() -> assertThat(client.resources(PoolLease.class).inNamespace(NS).list().getItems())
                .allSatisfy(pl -> assertThat(pl.getStatus().phase()).isEqualTo("Active")));
        assertThat(store.all()).containsExactlyInAnyOrder(a, b, other);
    }

    @Test
    void aLeaseGrantedWhileRunningIsCountedAndItsExpiryDeprovisionsItAndReturnsTheUnits() {
        start();
        client.resource(gpu(10, "20")).create();
        eventually(() -> assertThat(get("gpu-pool").getStatus().remainingUnits()).isEqualTo(10));

        // what the provider runtime does on a claim: ledger, store, provision
        Instant now = Instant.now();
        Lease lease = TestLeases.lease("lease-x", "gpu-pool", "cpu=500m,memory=1Gi,nvidia.com/gpu=1", 4,
                now.minus(Duration.ofHours(1)), Duration.ofHours(1).plusSeconds(3));
        node.leaseGranted(lease);
        operator.leaseStore().put(lease);
        MockCluster.expectToken(server, lease.namespace(), "tok");
        provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
        eventually(() -> {
            PoolContribution pc = get("gpu-pool");
            assertThat(pc.getStatus().remainingUnits()).isEqualTo(6);
            assertThat(pc.getStatus().activeLeases()).isEqualTo(1);
        });
        assertThat(client.namespaces().withName("angler-lease-x").get()).isNotNull();

        // three seconds later the lease expires: namespace deleted, PoolLease gone, units back
        eventually(Duration.ofSeconds(15), () -> {
            assertThat(client.resources(PoolLease.class).inNamespace(NS).withName("lease-x").get()).isNull();
            assertThat(client.namespaces().withName("angler-lease-x").get()).isNull();
            assertThat(node.leases()).isEmpty();
            PoolContribution pc = get("gpu-pool");
            assertThat(pc.getStatus().remainingUnits()).isEqualTo(10);
            assertThat(pc.getStatus().activeLeases()).isZero();
        });
    }

    @Test
    void deletingAPoolLeaseByHandReleasesIt() {
        Lease lease = TestLeases.lease("lease-y", "gpu-pool", "cpu=1", 2, Instant.now(), Duration.ofHours(5));
        new PoolLeaseStore(client, NS).put(lease);
        MockCluster.expectToken(server, lease.namespace(), "tok");
        provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
        start();
        assertThat(node.leases()).containsExactly(lease);
        eventually(() -> assertThat(client.resources(PoolLease.class).inNamespace(NS).withName("lease-y").get()
                .getStatus()).isNotNull());

        client.resources(PoolLease.class).inNamespace(NS).withName("lease-y").delete();
        eventually(() -> {
            assertThat(client.resources(PoolLease.class).inNamespace(NS).withName("lease-y").get()).isNull();
            assertThat(client.namespaces().withName("angler-lease-y").get()).isNull();
            assertThat(node.leases()).isEmpty();
        });
    }

    @Test
    void anUnreadablePoolLeaseIsMarkedInvalidAndLeftOutOfTheLedger() {
        PoolLease bad = new PoolLease();
        bad.setMetadata(new ObjectMetaBuilder().withName("broken").withNamespace(NS).build());
        bad.setSpec(new PoolLease.Spec("gpu-pool", "r", Map.of("cpu", "1"), 0L, 5L, "angler-broken",
                "2030-01-01T00:00:00Z", "tomorrow"));
        client.resource(bad).create();
        start();
        assertThat(node.leases()).isEmpty();
        eventually(() -> {
            PoolLease pl = client.resources(PoolLease.class).inNamespace(NS).withName("broken").get();
            assertThat(pl.getStatus().phase()).isEqualTo("Invalid");
            assertThat(pl.getStatus().conditions()).singleElement().satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getMessage()).contains("poollease broken: spec.expiresAt 'tomorrow' is not an RFC 3339 time");
            });
        });
        List<Lease> all = new PoolLeaseStore(client, NS).all();
        assertThat(all).isEmpty();
    }
}
