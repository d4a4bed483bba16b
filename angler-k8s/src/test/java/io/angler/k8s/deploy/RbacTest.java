package io.angler.k8s.deploy;

import static io.angler.k8s.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.angler.k8s.Csrs;
import io.angler.k8s.Deploy;
import io.angler.k8s.MockCluster;
import io.angler.k8s.TestLeases;
import io.angler.k8s.crd.PoolContribution;
import io.angler.k8s.crd.PoolLease;
import io.angler.k8s.operator.AnglerOperator;
import io.angler.k8s.operator.IdentitySecret;
import io.angler.k8s.operator.LocalLedger;
import io.angler.k8s.provision.ClusterEndpoint;
import io.angler.node.provision.EgressPolicy;
import io.angler.k8s.provision.KubernetesProvisioner;
import io.angler.k8s.provision.NamespaceObjects;
import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RBAC in deploy/rbac.yaml is exactly what the operator uses: the operator (with its own user
 * agent) goes through every path it has, against a recording mock API server, and each request is
 * mapped to the RBAC verb, group, resource and namespace the API server would authorize.
 */
@EnableKubernetesMockClient(crud = true)
class RbacTest {
    static final String NS = RbacRules.NS;
    static final String AGENT = "angler-operator-under-test";

    KubernetesMockServer server;
    KubernetesClient client;
    @TempDir
    Path tmp;

    @Test
    void noWildcardsAnywhere() {
        for (HasMetadata o : Deploy.objects("rbac.yaml")) {
            List<PolicyRule> rules = o instanceof ClusterRole cr ? cr.getRules() : o instanceof Role r ? r.getRules()
                    : List.of();
            for (PolicyRule rule : rules) {
                assertThat(rule.getVerbs()).as(o.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getResources()).as(o.getMetadata().getName()).doesNotContain("*");
                assertThat(rule.getApiGroups()).as(o.getMetadata().getName()).doesNotContain("*");
            }
        }
    }

    @Test
    void theDeploymentRunsOneOperatorAsTheServiceAccountTheRbacGrants() {
        var deployment = (io.fabric8.kubernetes.api.model.apps.Deployment) Deploy.objects("operator.yaml").get(0);
        var sa = RbacRules.find(io.fabric8.kubernetes.api.model.ServiceAccount.class, "angler-operator");
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo(sa.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("angler-operator");
        var container = pod.getContainers().get(0);
        assertThat(container.getArgs()).startsWith("operator", "--in-cluster");
        assertThat(container.getEnv()).extracting(e -> e.getName())
                .contains("ANGLER_PUBLIC_SERVER", "ANGLER_NAMESPACE", "ANGLER_SERVICE_ACCOUNT");
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
            assertThat(Deploy.objects("rbac.yaml")).filteredOn(o -> o.getKind().equals(kind)).allSatisfy(o -> {
                var subjects = o instanceof io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding crb
                        ? crb.getSubjects() : ((io.fabric8.kubernetes.api.model.rbac.RoleBinding) o).getSubjects();
                assertThat(subjects).singleElement().satisfies(sub -> {
                    assertThat(sub.getName()).isEqualTo("angler-operator");
                    assertThat(sub.getNamespace()).isEqualTo(NS);
                });
            });
        }
    }

    @Test
    void theTenantClusterRoleIsTheTenantRole() {
        var role = new NamespaceObjects(TestLeases.lease("any"), EgressPolicy.ISOLATED, Optional.empty()).role();
        assertThat(RbacRules.find(ClusterRole.class, "angler-tenant").getRules()).isEqualTo(role.getRules());
    }

    @Test
    void theOperatorUsesExactlyTheVerbsItIsGranted() throws Exception {
        Deploy.installCrds(client);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        KubernetesClient op = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(AGENT).build()).build();
        var identity = new SubjectBuilder().withKind("ServiceAccount").withName("angler-operator").withNamespace(NS)
                .build();
        KubernetesProvisioner provisioner = new KubernetesProvisioner(op, new KubernetesProvisioner.Settings(
                new ClusterEndpoint("https://k8s.example.net:6443", ""), EgressPolicy.ISOLATED, Optional.of(identity),
                Duration.ofSeconds(20), Clock.systemUTC()));
        LocalLedger ledger = new LocalLedger();
        try (AnglerOperator operator = new AnglerOperator(op, ledger, provisioner, NS, Clock.systemUTC())) {
            operator.start();
            // an offer added, edited, deleted
            PoolContribution pc = new PoolContribution();
            pc.setMetadata(new ObjectMetaBuilder().withName("offer").build());
            pc.setSpec(new PoolContribution.Spec(Map.of("cpu", "1"), 5L, "10", "dn5bpsbw", null, null));
            client.resource(pc).create();
            eventually(() -> assertThat(client.resources(PoolContribution.class).withName("offer").get().getStatus())
                    .isNotNull());
            client.resources(PoolContribution.class).withName("offer").edit(p -> {
                p.setSpec(new PoolContribution.Spec(Map.of("cpu", "1"), 6L, "10", "dn5bpsbw", null, null));
                return p;
            });
            eventually(() -> assertThat(client.resources(PoolContribution.class).withName("offer").get().getStatus()
                    .remainingUnits()).isEqualTo(6));
            client.resources(PoolContribution.class).withName("offer").delete();
            eventually(() -> assertThat(client.resources(PoolContribution.class).withName("offer").get()).isNull());

            // a lease with a token, provisioned twice (a retry), renewed, released by the runtime
            Lease a = TestLeases.lease("a", "offer", "cpu=1", 2, Instant.now(), Duration.ofHours(1));
            MockCluster.expectToken(server, a.namespace(), "t");
            operator.leaseStore().put(a);
            provisioner.provision(a, new CredentialRequest.ServiceAccountToken());
            provisioner.provision(a, new CredentialRequest.ServiceAccountToken());
            // an object deleted by hand, put back
            client.resourceQuotas().inNamespace(a.namespace()).withName("angler-quota").delete();
            assertThat(provisioner.restoreMissing(a)).containsExactly("ResourceQuota angler-quota");
            operator.leaseStore().put(a.withExpiry(a.expiresAt().plusSeconds(60)));
            provisioner.deprovision(a);
            operator.leaseStore().remove(a.id());

            // a lease with a client certificate, expiring by itself
            Lease b = TestLeases.lease("b", "offer", "cpu=1", 1, Instant.now().minusSeconds(3600),
                    Duration.ofSeconds(3602));
            MockCluster.emulateApproval(server, client, "angler-b");
            operator.leaseStore().put(b);
            try (Watch signer = MockCluster.playSigner(client, true)) {
                provisioner.provision(b, new CredentialRequest.ClientCertificate(
                        Csrs.csr("CN=angler:lease:b", Csrs.ecKey())));
            }
            eventually(() -> assertThat(client.resources(PoolLease.class).inNamespace(NS).withName("b").get())
                    .isNull());
            eventually(() -> assertThat(client.certificates().v1().certificateSigningRequests().withName("angler-b")
                    .get()).isNull());
        }
        // the node's identity kept in its Secret: made on the first start, read back on the next
        new IdentitySecret(op, NS, IdentitySecret.DEFAULT_NAME).restoreInto(tmp.resolve("first"));
        new IdentitySecret(op, NS, IdentitySecret.DEFAULT_NAME).restoreInto(tmp.resolve("second"));
        op.close();

        ClusterRole cluster = RbacRules.clusterRole();
        Role local = RbacRules.role();
        assertThat(local.getMetadata().getNamespace()).isEqualTo(NS);
        RbacRules.Audit audit = RbacRules.audit(server, AGENT);
        assertThat(audit.denied()).as("requests the RBAC would deny").isEmpty();
        Set<String> unused = new TreeSet<>(RbacRules.grants());
        unused.removeAll(audit.used());
        assertThat(unused).as("granted verbs the operator never used").isEmpty();

        // The grants restricted to one name: the identity Secret, and two authorization checks
        // rather than requests.
        assertThat(local.getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getVerbs()).containsExactly("get");
            assertThat(rule.getResourceNames()).containsExactly(IdentitySecret.DEFAULT_NAME);
        });
        assertThat(cluster.getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("clusterroles");
            assertThat(rule.getVerbs()).containsExactly("bind");
            assertThat(rule.getResourceNames()).containsExactly(NamespaceObjects.TENANT_CLUSTER_ROLE);
        });
        assertThat(cluster.getRules()).anySatisfy(rule -> {
            assertThat(rule.getResources()).containsExactly("signers");
            assertThat(rule.getVerbs()).containsExactly("approve");
            assertThat(rule.getResourceNames()).containsExactly(KubernetesProvisioner.KUBE_APISERVER_CLIENT_SIGNER);
        });
    }
}
