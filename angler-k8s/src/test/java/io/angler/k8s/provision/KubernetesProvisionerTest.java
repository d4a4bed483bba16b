package io.angler.k8s.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.k8s.Csrs;
import io.angler.k8s.MockCluster;
import io.angler.k8s.TestLeases;
import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.EgressPolicy;
import io.angler.node.provision.Provisioned;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesProvisionerTest {
    static final String CA_PEM = "-----BEGIN CERTIFICATE-----\nTUlJQ0NB\n-----END CERTIFICATE-----\n";
    static final ClusterEndpoint ENDPOINT = new ClusterEndpoint("https://k8s.example.net:6443", CA_PEM);

    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesProvisioner provisioner;
    final Lease lease = TestLeases.lease("l1");

    @BeforeEach
    void setUp() {
        provisioner = new KubernetesProvisioner(client, new KubernetesProvisioner.Settings(ENDPOINT,
                EgressPolicy.OPEN, Optional.empty(), Duration.ofSeconds(20),
                Clock.fixed(TestLeases.NOW, ZoneOffset.UTC)));
        MockCluster.emulateApproval(server, client, "angler-l1");
    }

    private void expectToken(String token) {
        MockCluster.expectToken(server, "angler-l1", token);
    }

    private String tokenRequestBody() throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(1, TimeUnit.SECONDS)) != null) {
            if (r.getPath().endsWith("/serviceaccounts/angler-tenant/token")) {
                return r.getUtf8Body();
            }
        }
        throw new AssertionError("no TokenRequest was sent");
    }

    @Test
    void createsEveryObjectWithTheRightContent() throws Exception {
        expectToken("token-abc");
        Provisioned p = provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());

        assertThat(p.namespace()).isEqualTo("angler-l1");
        assertThat(p.where()).isEqualTo("https://k8s.example.net:6443");
        var ns = client.namespaces().withName("angler-l1").get();
        assertThat(ns.getMetadata().getLabels()).containsEntry("angler.io/lease", "l1")
                .containsEntry("angler.io/offer", "gpu-pool").containsEntry("app.kubernetes.io/managed-by", "angler");
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "baseline");
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("angler.io/requester", TestLeases.REQUESTER)
                .containsEntry("angler.io/units", "3")
                .containsEntry("angler.io/expires-at", "2030-01-01T02:00:00Z");

        // 3 units of cpu=500m, memory=1Gi, nvidia.com/gpu=1, worked out by hand
        var quota = client.resourceQuotas().inNamespace("angler-l1").withName("angler-quota").get();
        assertThat(amounts(quota.getSpec().getHard())).isEqualTo(Map.of(
                "requests.cpu", "1500m", "limits.cpu", "1500m",
                "requests.memory", "3221225472", "limits.memory", "3221225472",
                "requests.nvidia.com/gpu", "3"));

        var limits = client.limitRanges().inNamespace("angler-l1").withName("angler-defaults").get()
                .getSpec().getLimits();
        assertThat(limits).hasSize(1);
        assertThat(limits.get(0).getType()).isEqualTo("Container");
        assertThat(amounts(limits.get(0).getDefault())).isEqualTo(Map.of("cpu", "500m", "memory", "1073741824"));
        assertThat(amounts(limits.get(0).getDefaultRequest())).isEqualTo(Map.of("cpu", "500m", "memory", "1073741824"));

        NetworkPolicy np = client.network().v1().networkPolicies().inNamespace("angler-l1")
                .withName("angler-isolation").get();
        assertThat(np.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress"); // open egress: ingress only
        assertThat(np.getSpec().getIngress()).hasSize(1);
        var from = np.getSpec().getIngress().get(0).getFrom();
        assertThat(from).hasSize(1);
        assertThat(from.get(0).getNamespaceSelector()).isNull(); // a bare pod selector: this namespace only
        assertThat(from.get(0).getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(np.getSpec().getEgress()).isNullOrEmpty();

        var role = client.rbac().roles().inNamespace("angler-l1").withName("angler-tenant").get();
        assertThat(role.getRules()).isEqualTo(provisioner.objects(lease).role().getRules());
        assertThat(role.getRules()).anyMatch(r -> r.getResources().contains("pods") && r.getVerbs().contains("create"));
        assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("resourcequotas")
                && r.getVerbs().contains("update"));
        assertThat(role.getRules()).noneMatch(r -> r.getApiGroups().contains("rbac.authorization.k8s.io"));
        var binding = client.rbac().roleBindings().inNamespace("angler-l1").withName("angler-tenant").get();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("angler-tenant");
        assertThat(binding.getSubjects()).extracting(s -> s.getKind() + ":" + s.getName())
                .containsExactlyInAnyOrder("ServiceAccount:angler-tenant", "User:angler:lease:l1");
        assertThat(client.serviceAccounts().inNamespace("angler-l1").withName("angler-tenant").get()
                .getAutomountServiceAccountToken()).isFalse();
        // no self-binding when no provisioner identity is configured
        assertThat(client.rbac().roleBindings().inNamespace("angler-l1").withName("angler-provisioner").get()).isNull();

        Config kc = Serialization.unmarshal(p.kubeconfig(), Config.class);
        assertThat(kc.getCurrentContext()).isEqualTo("angler-l1");
        assertThat(kc.getContexts().get(0).getContext().getNamespace()).isEqualTo("angler-l1");
        assertThat(kc.getClusters().get(0).getCluster().getServer()).isEqualTo("https://k8s.example.net:6443");
        assertThat(new String(Base64.getDecoder().decode(kc.getClusters().get(0).getCluster()
                .getCertificateAuthorityData()), StandardCharsets.US_ASCII)).isEqualTo(CA_PEM);
        assertThat(kc.getUsers().get(0).getUser().getToken()).isEqualTo("token-abc");

        // the token lives as long as the lease: 2 hours from the (fixed) clock
        TokenRequest sent = Serialization.unmarshal(tokenRequestBody(), TokenRequest.class);
        assertThat(sent.getSpec().getExpirationSeconds()).isEqualTo(7200L);
    }

    private static Map<String, String> amounts(Map<String, Quantity> q) {
        Map<String, String> out = new TreeMap<>();
        q.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    @Test
    void aShortLeaseStillGetsTheMinimumTokenLifetime() throws Exception {
        Lease shortLease = TestLeases.lease("l1", "gpu-pool", "cpu=1", 1, TestLeases.NOW, Duration.ofMinutes(2));
        expectToken("t");
        provisioner.provision(shortLease, new CredentialRequest.ServiceAccountToken());
        TokenRequest sent = Serialization.unmarshal(tokenRequestBody(), TokenRequest.class);
        assertThat(sent.getSpec().getExpirationSeconds()).isEqualTo(600L);
    }

    @Test
    void retryAfterAPartialAttemptConvergesToTheSameObjects() {
        expectToken("t1");
        provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
        var quotaBefore = client.resourceQuotas().inNamespace("angler-l1").withName("angler-quota").get().getSpec();
        var policyBefore = client.network().v1().networkPolicies().inNamespace("angler-l1")
                .withName("angler-isolation").get().getSpec();
        // a crash half way: some objects never made it, one was changed by someone
        client.rbac().roleBindings().inNamespace("angler-l1").withName("angler-tenant").delete();
        client.network().v1().networkPolicies().inNamespace("angler-l1").withName("angler-isolation").delete();
        client.resourceQuotas().inNamespace("angler-l1").withName("angler-quota")
                .edit(q -> {
                    q.getSpec().getHard().put("requests.cpu", new Quantity("64"));
                    return q;
                });

        Provisioned again = provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
        assertThat(again.namespace()).isEqualTo("angler-l1");
        assertThat(client.resourceQuotas().inNamespace("angler-l1").withName("angler-quota").get().getSpec())
                .isEqualTo(quotaBefore);
        assertThat(client.network().v1().networkPolicies().inNamespace("angler-l1").withName("angler-isolation")
                .get().getSpec()).isEqualTo(policyBefore);
        assertThat(client.rbac().roleBindings().inNamespace("angler-l1").withName("angler-tenant").get()).isNotNull();
        assertThat(client.resourceQuotas().inNamespace("angler-l1").list().getItems()).hasSize(1);
        assertThat(client.namespaces().list().getItems()).hasSize(1);
    }

    @Test
    void refusesANamespaceThatIsNotTheLeases() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("angler-l1").endMetadata()
                .build()).create();
        assertThatThrownBy(() -> provisioner.provision(lease, new CredentialRequest.ServiceAccountToken()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("namespace angler-l1 exists and does not belong to lease l1");
        assertThatThrownBy(() -> provisioner.deprovision(lease)).isInstanceOf(IllegalStateException.class);
        assertThat(client.namespaces().withName("angler-l1").get()).isNotNull();
        assertThat(client.resourceQuotas().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void deprovisionRevokesAccessAndDeletesTheNamespace() throws Exception {
        KeyPair key = Csrs.ecKey();
        String csr = Csrs.csr("CN=angler:lease:l1", key);
        try (Watch signer = MockCluster.playSigner(client, true)) {
            provisioner.provision(lease, new CredentialRequest.ClientCertificate(csr));
        }
        assertThat(client.certificates().v1().certificateSigningRequests().withName("angler-l1").get()).isNotNull();

        provisioner.deprovision(lease);
        assertThat(client.namespaces().withName("angler-l1").get()).isNull();
        assertThat(client.rbac().roleBindings().inNamespace("angler-l1").withName("angler-tenant").get()).isNull();
        assertThat(client.serviceAccounts().inNamespace("angler-l1").withName("angler-tenant").get()).isNull();
        assertThat(client.certificates().v1().certificateSigningRequests().withName("angler-l1").get()).isNull();
        provisioner.deprovision(lease); // idempotent
    }

    @Test
    void selfBindingComesBeforeTheRoleAndIsolatedEgressAllowsOnlyTheNamespaceAndDns() {
        var identity = new SubjectBuilder().withKind("ServiceAccount").withName("angler-operator")
                .withNamespace("angler-system").build();
        var objects = new NamespaceObjects(lease, EgressPolicy.ISOLATED, Optional.of(identity));
        var kinds = objects.all().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        assertThat(kinds).containsExactly("Namespace/angler-l1", "RoleBinding/angler-provisioner",
                "ServiceAccount/angler-tenant", "ResourceQuota/angler-quota", "LimitRange/angler-defaults",
                "NetworkPolicy/angler-isolation", "Role/angler-tenant", "RoleBinding/angler-tenant");
        var self = objects.provisionerBinding().orElseThrow();
        assertThat(self.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(self.getRoleRef().getName()).isEqualTo("angler-tenant");
        assertThat(self.getSubjects()).containsExactly(identity);

        var policy = (NetworkPolicy) objects.all().get(5);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        var egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(2);
        assertThat(egress.get(0).getTo().get(0).getPodSelector()).isNotNull();           // own namespace
        assertThat(egress.get(0).getTo().get(0).getNamespaceSelector()).isNull();
        assertThat(egress.get(1).getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");                                      // DNS
    }

    @Test
    void theApiObjectsAreTheSharedManifests() {
        var manifests = new io.angler.node.provision.NamespaceManifests(EgressPolicy.INTERNET).objects(lease);
        var objects = new NamespaceObjects(lease, EgressPolicy.INTERNET, Optional.empty()).all();
        assertThat(objects).hasSameSizeAs(manifests);
        for (int i = 0; i < objects.size(); i++) {
            // the typed object serialises back to exactly the shared manifest
            assertThat(Serialization.unmarshal(Serialization.asJson(objects.get(i)), Map.class))
                    .isEqualTo(Serialization.unmarshal(Serialization.asJson(manifests.get(i)), Map.class));
        }
    }

    @Test
    void clientCertificateIsIssuedThroughAnApprovedCsrAndTheKeyNeverTravels() throws Exception {
        KeyPair key = Csrs.ecKey();
        String csrPem = Csrs.csr("CN=angler:lease:l1", key);
        Provisioned p;
        try (Watch signer = MockCluster.playSigner(client, true)) {
            p = provisioner.provision(lease, new CredentialRequest.ClientCertificate(csrPem));
        }
        CertificateSigningRequest csr = client.certificates().v1().certificateSigningRequests()
                .withName("angler-l1").get();
        assertThat(csr.getSpec().getSignerName()).isEqualTo("kubernetes.io/kube-apiserver-client");
        assertThat(csr.getSpec().getUsages()).containsExactly("client auth");
        assertThat(csr.getSpec().getExpirationSeconds()).isEqualTo(7200);
        assertThat(new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII))
                .isEqualTo(csrPem);
        assertThat(csr.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Approved")
                && c.getStatus().equals("True") && c.getReason().equals("AnglerLease"));
        assertThat(csr.getMetadata().getLabels()).containsEntry("angler.io/lease", "l1");

        Config kc = Serialization.unmarshal(p.kubeconfig(), Config.class);
        var user = kc.getUsers().get(0).getUser();
        assertThat(user.getClientKeyData()).isNull();
        assertThat(user.getClientKey()).isNull();
        assertThat(user.getToken()).isNull();
        assertThat(p.kubeconfig()).doesNotContain("PRIVATE KEY");
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(user.getClientCertificateData())));
        assertThat(cert.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=angler:lease:l1");
    }

    @Test
    void aRetriedClaimWithANewKeyReplacesTheOldRequest() throws Exception {
        KeyPair first = Csrs.ecKey();
        KeyPair second = Csrs.ecKey();
        try (Watch signer = MockCluster.playSigner(client, true)) {
            provisioner.provision(lease, new CredentialRequest.ClientCertificate(Csrs.csr("CN=angler:lease:l1", first)));
            Provisioned p = provisioner.provision(lease,
                    new CredentialRequest.ClientCertificate(Csrs.csr("CN=angler:lease:l1", second)));
            Config kc = Serialization.unmarshal(p.kubeconfig(), Config.class);
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Base64.getDecoder().decode(
                            kc.getUsers().get(0).getUser().getClientCertificateData())));
            assertThat(cert.getPublicKey()).isEqualTo(second.getPublic());
        }
    }

    /** What a renewal does: the same lease with a later expiry, provisioned again. */
    @Test
    void aRenewalIssuesATokenUntilTheNewExpiry() {
        MockCluster.issueTokens(server, "angler-l1", Clock.fixed(TestLeases.NOW, ZoneOffset.UTC));
        Provisioned claimed = provisioner.provision(lease, new CredentialRequest.ServiceAccountToken());
        assertThat(MockCluster.tokenExpiry(token(claimed))).isEqualTo(lease.expiresAt());

        Lease renewed = lease.withExpiry(lease.expiresAt().plus(Duration.ofHours(5)));
        Provisioned p = provisioner.provision(renewed, new CredentialRequest.ServiceAccountToken());
        assertThat(MockCluster.tokenExpiry(token(p))).as("the new token lasts until the new expiry")
                .isEqualTo(renewed.expiresAt());
        assertThat(client.namespaces().withName("angler-l1").get().getMetadata().getAnnotations())
                .containsEntry("angler.io/expires-at", renewed.expiresAt().toString());
        assertThat(client.namespaces().list().getItems()).hasSize(1);
    }

    private static String token(Provisioned p) {
        return Serialization.unmarshal(p.kubeconfig(), Config.class).getUsers().get(0).getUser().getToken();
    }

    private static X509Certificate certificate(Provisioned p) throws Exception {
        Config kc = Serialization.unmarshal(p.kubeconfig(), Config.class);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(
                Base64.getDecoder().decode(kc.getUsers().get(0).getUser().getClientCertificateData())));
    }

    @Test
    void aRenewalIssuesACertificateUntilTheNewExpiryForTheSameKey() throws Exception {
        KeyPair key = Csrs.ecKey();
        String claimCsr = Csrs.csr("CN=angler:lease:l1", key);
        Lease renewed = lease.withExpiry(lease.expiresAt().plus(Duration.ofHours(5)));
        long newSeconds = Duration.between(TestLeases.NOW, renewed.expiresAt()).toSeconds();
        try (Watch signer = MockCluster.playSigner(client, true)) {
            X509Certificate first = certificate(provisioner.provision(lease, new CredentialRequest.ClientCertificate(claimCsr)));
            assertThat(Duration.between(first.getNotBefore().toInstant(), first.getNotAfter().toInstant()))
                    .isEqualTo(Duration.ofHours(2));

            // A new CSR with the lease's key: the old request is replaced, the new one asks until the new expiry.
            String renewalCsr = Csrs.csr("CN=angler:lease:l1", key);
            X509Certificate second = certificate(provisioner.provision(renewed,
                    new CredentialRequest.ClientCertificate(renewalCsr)));
            CertificateSigningRequest csr = client.certificates().v1().certificateSigningRequests().withName("angler-l1").get();
            assertThat(csr.getSpec().getExpirationSeconds()).isEqualTo((int) newSeconds);
            assertThat(csr.getMetadata().getAnnotations()).containsEntry("angler.io/expires-at", renewed.expiresAt().toString());
            assertThat(new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII))
                    .isEqualTo(renewalCsr);
            assertThat(Duration.between(second.getNotBefore().toInstant(), second.getNotAfter().toInstant()).toSeconds())
                    .as("the certificate lasts until the new expiry").isEqualTo(newSeconds);
            assertThat(second.getPublicKey()).isEqualTo(key.getPublic());
            assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());

            // Even the claim's very request, sent again for the new expiry, is not answered with the old certificate.
            Lease longer = renewed.withExpiry(renewed.expiresAt().plus(Duration.ofHours(1)));
            X509Certificate third = certificate(provisioner.provision(longer, new CredentialRequest.ClientCertificate(claimCsr)));
            assertThat(Duration.between(third.getNotBefore().toInstant(), third.getNotAfter().toInstant()).toSeconds())
                    .isEqualTo(newSeconds + 3600);
            // A retry for the same expiry reuses the certificate already issued.
            X509Certificate retried = certificate(provisioner.provision(longer, new CredentialRequest.ClientCertificate(claimCsr)));
            assertThat(retried.getSerialNumber()).isEqualTo(third.getSerialNumber());
        }
    }

    @Test
    void aSignerFailureIsReported() throws Exception {
        String csrPem = Csrs.csr("CN=angler:lease:l1", Csrs.ecKey());
        try (Watch signer = MockCluster.playSigner(client, false)) {
            assertThatThrownBy(() -> provisioner.provision(lease, new CredentialRequest.ClientCertificate(csrPem)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the signer refused CertificateSigningRequest angler-l1")
                    .hasMessageContaining("test signer refuses");
        }
    }

    @Test
    void noSignerMeansAClearTimeout() throws Exception {
        provisioner = new KubernetesProvisioner(client, new KubernetesProvisioner.Settings(ENDPOINT,
                EgressPolicy.OPEN, Optional.empty(), Duration.ofMillis(500), Clock.systemUTC()));
        String csrPem = Csrs.csr("CN=angler:lease:l1", Csrs.ecKey());
        assertThatThrownBy(() -> provisioner.provision(lease, new CredentialRequest.ClientCertificate(csrPem)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no certificate issued for angler-l1")
                .hasMessageContaining("signer running");
    }

    @Test
    void csrsThatAskForMoreThanTheLeaseAreRejectedBeforeAnythingIsApproved() throws Exception {
        KeyPair key = Csrs.ecKey();
        assertRejected(Csrs.csr("CN=angler:lease:l2", key), "common name 'angler:lease:l2' must be angler:lease:l1");
        assertRejected(Csrs.csr("CN=angler:lease:l1,O=system:masters", key), "must be exactly CN=angler:lease:l1");
        assertRejected(Csrs.csr("CN=system:admin", key), "must be angler:lease:l1");
        assertRejected(Csrs.csr("CN=angler:lease:l1", key, Csrs.ecKey()), "signature does not verify");
        assertRejected(Csrs.csr("CN=angler:lease:l1", Csrs.rsaKey(1024)), "RSA key of 1024 bits");
        assertRejected("-----BEGIN CERTIFICATE REQUEST-----\nnonsense\n-----END CERTIFICATE REQUEST-----\n",
                "CSR:");
        assertThat(client.certificates().v1().certificateSigningRequests().list().getItems()).isEmpty();
    }

    private void assertRejected(String pem, String message) {
        assertThatThrownBy(() -> provisioner.provision(lease, new CredentialRequest.ClientCertificate(pem)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
