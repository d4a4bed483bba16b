package io.angler.k8s.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.LeaseLimits;
import io.angler.core.offer.Offer;
import io.angler.core.offer.PriceFunction;
import io.angler.core.unit.ResourceUnit;
import io.angler.k8s.Csrs;
import io.angler.k8s.Deploy;
import io.angler.k8s.MockCluster;
import io.angler.k8s.TestLeases;
import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseKeeper;
import io.angler.node.lease.Ledger;
import io.angler.node.lease.LedgerException;
import io.angler.node.lease.SessionKey;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.EgressPolicy;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal on the operator's storage: the ledger over PoolLeases and the Kubernetes provisioner.
 * The PoolLease's expiry follows the renewal, the token lasts until it, and a renewal whose
 * credentials cannot be issued is undone in the ledger and in the PoolLease alike.
 */
@EnableKubernetesMockClient(crud = true)
class RenewalTest {
    static final String NS = "angler-system";
    static final String SESSION = "0123456789abcdef0123456789abcdef";

    KubernetesMockServer server;
    KubernetesClient client;
    @TempDir
    Path dir;

    Ledger ledger;
    LeaseKeeper keeper;
    String leaseId;

    @BeforeEach
    void setUp() {
        Deploy.installCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        Offer offer = new Offer("gpu-pool", ResourceUnit.parse("cpu=500m,memory=1Gi"), 10, PriceFunction.parse("7"),
                Geohash.of("dn5bpsbw"), LeaseLimits.DEFAULT);
        ledger = Ledger.open(List.of(offer), new PoolLeaseStore(client, NS), dir, Clock.systemUTC());
        // No signer runs: a certificate is never issued, and the provisioner gives up after half a second.
        KubernetesProvisioner provisioner = new KubernetesProvisioner(client, new KubernetesProvisioner.Settings(
                new ClusterEndpoint("https://k8s.example.net:6443", ""), EgressPolicy.ISOLATED, Optional.empty(),
                Duration.ofMillis(500), Clock.systemUTC()));
        keeper = new LeaseKeeper(ledger, provisioner);
        SessionKey key = new SessionKey(TestLeases.REQUESTER, SESSION);
        leaseId = key.leaseId();
        MockCluster.issueTokens(server, key.namespace(), Clock.systemUTC());
        MockCluster.emulateApproval(server, client, key.namespace());
        ledger.enter(key, "gpu-pool", Instant.now().plusSeconds(60));
        ledger.settle(key, 2, 7, Instant.now().plusSeconds(60));
        keeper.claim(key, Duration.ofHours(1), new CredentialRequest.ServiceAccountToken());
    }

    Instant poolLeaseExpiry() {
        return Instant.parse(client.resources(PoolLease.class).inNamespace(NS).withName(leaseId).get().getSpec().expiresAt());
    }

    @Test
    void theTokenAndThePoolLeaseFollowTheRenewal() {
        LeaseKeeper.Claimed renewed = keeper.renew(leaseId, TestLeases.REQUESTER, Duration.ofHours(3),
                new CredentialRequest.ServiceAccountToken());
        Instant expiry = renewed.lease().expiresAt();
        assertThat(expiry).isAfter(Instant.now().plus(Duration.ofMinutes(179)));
        assertThat(poolLeaseExpiry()).isEqualTo(expiry);
        String token = Serialization.unmarshal(renewed.provisioned().kubeconfig(), Config.class).getUsers().get(0)
                .getUser().getToken();
        assertThat(MockCluster.tokenExpiry(token)).isBetween(expiry.minusSeconds(2), expiry.plusSeconds(1));
    }

    @Test
    void aRenewalWhoseCredentialsFailIsUndoneInTheLedgerAndThePoolLease() throws Exception {
        Lease before = ledger.lease(leaseId);
        String csr = Csrs.csr("CN=angler:lease:" + leaseId, Csrs.ecKey());
        assertThatThrownBy(() -> keeper.renew(leaseId, TestLeases.REQUESTER, Duration.ofHours(5),
                new CredentialRequest.ClientCertificate(csr)))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.kind()).isEqualTo(LedgerException.Kind.CONFLICT))
                .hasMessageContaining("no certificate issued")
                .hasMessageContaining("the lease was not extended and still ends at " + before.expiresAt())
                .hasMessageContaining("try the renewal again");
        assertThat(ledger.lease(leaseId)).isEqualTo(before);
        assertThat(poolLeaseExpiry()).as("the PoolLease is back in step").isEqualTo(before.expiresAt());
        assertThat(ledger.balance("gpu-pool")).as("nothing lost, nothing counted twice")
                .isEqualTo(new Ledger.Balance(10, 2, 0, 8));
        assertThat(client.namespaces().withName(before.namespace()).get()).as("the namespace stays").isNotNull();

        // A token renewal still works afterwards.
        Instant expiry = keeper.renew(leaseId, TestLeases.REQUESTER, Duration.ofHours(5),
                new CredentialRequest.ServiceAccountToken()).lease().expiresAt();
        assertThat(poolLeaseExpiry()).isEqualTo(expiry).isAfter(before.expiresAt());
    }
}
