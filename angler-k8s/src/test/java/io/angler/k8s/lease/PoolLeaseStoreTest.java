package io.angler.k8s.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.k8s.Deploy;
import io.angler.k8s.TestLeases;
import io.angler.k8s.crd.PoolLease;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LedgerException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases as PoolLeases, including the runtime's lease keeper and the operator ending one together. */
@EnableKubernetesMockClient(crud = true)
class PoolLeaseStoreTest {
    static final String NS = "angler-system";

    KubernetesClient client;
    PoolLeaseStore store;

    @BeforeEach
    void setUp() {
        Deploy.installCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        store = new PoolLeaseStore(client, NS);
    }

    PoolLease resource(String id) {
        return client.resources(PoolLease.class).inNamespace(NS).withName(id).get();
    }

    @Test
    void leasesAreStoredReplacedListedAndRemovedWithTheirFinalizer() {
        Lease a = TestLeases.lease("a");
        store.put(a);
        assertThat(resource("a").getMetadata().getFinalizers()).containsExactly(PoolLeaseStore.FINALIZER);
        Lease renewed = a.withExpiry(a.expiresAt().plus(Duration.ofHours(1)));
        store.put(renewed);
        store.put(TestLeases.lease("b"));
        assertThat(store.all()).containsExactlyInAnyOrder(renewed, TestLeases.lease("b"));

        store.remove("a");
        assertThat(resource("a")).as("the finalizer was taken off, so the delete removed it").isNull();
        store.remove("a");
        store.remove("never-there");
        assertThat(store.all()).containsExactly(TestLeases.lease("b"));
    }

    @Test
    void aLeaseTheOperatorIsDeletingIsLeftToItsFinalizerAndCannotBeBroughtBack() {
        Lease a = TestLeases.lease("a");
        store.put(a);
        // The operator deletes it (at its expiry, or by hand): the finalizer holds it while it is cleaned up.
        client.resources(PoolLease.class).inNamespace(NS).withName("a").delete();
        assertThat(resource("a").getMetadata().getDeletionTimestamp()).isNotNull();

        store.remove("a"); // the keeper, ending the same lease: leaves it to the operator's cleanup
        assertThat(resource("a").getMetadata().getFinalizers()).containsExactly(PoolLeaseStore.FINALIZER);
        assertThatThrownBy(() -> store.put(a.withExpiry(a.expiresAt().plus(Duration.ofHours(1)))))
                .isInstanceOf(LedgerException.class).hasMessageContaining("lease a has ended")
                .satisfies(e -> assertThat(((LedgerException) e).kind()).isEqualTo(LedgerException.Kind.NOT_FOUND));

        // the operator's cleanup removes the finalizer, and the object goes
        client.resources(PoolLease.class).inNamespace(NS).withName("a").edit(pl -> {
            pl.getMetadata().setFinalizers(List.of());
            return pl;
        });
        assertThat(resource("a")).isNull();
        store.remove("a");
    }

    @Test
    void removingKeepsOtherFinalizersAndOnlyTakesItsOwnOff() {
        store.put(TestLeases.lease("a"));
        client.resources(PoolLease.class).inNamespace(NS).withName("a").edit(pl -> {
            pl.getMetadata().getFinalizers().add(0, "example.com/backup");
            return pl;
        });
        store.remove("a");
        PoolLease left = resource("a");
        assertThat(left.getMetadata().getDeletionTimestamp()).as("deleted, held by the other finalizer").isNotNull();
        assertThat(left.getMetadata().getFinalizers()).containsExactly("example.com/backup");
    }
}
