package io.angler.k8s.provision;

import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.EgressPolicy;
import io.angler.node.provision.Kubeconfigs;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions leases through the Kubernetes API: the namespace objects of {@link NamespaceObjects}
 * and credentials, either a ServiceAccount token from the TokenRequest API or a client certificate
 * issued through a CertificateSigningRequest that this provider approves after checking it.
 */
public final class KubernetesProvisioner implements Provisioner {
    public static final String KUBE_APISERVER_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";
    /** The API server refuses token and certificate lifetimes under ten minutes. */
    static final long MIN_CREDENTIAL_SECONDS = 600;
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesProvisioner.class);

    /**
     * @param endpoint what the requester's kubeconfig points at
     * @param egress where lease namespaces may connect to
     * @param provisionerIdentity this provisioner's own identity, bound to the tenant ClusterRole in
     *     each lease namespace (see {@link NamespaceObjects#provisionerBinding()})
     * @param certificateWait how long to wait for the cluster's signer to issue a certificate
     * @param clock for credential lifetimes
     */
    public record Settings(ClusterEndpoint endpoint, EgressPolicy egress, Optional<Subject> provisionerIdentity,
                           Duration certificateWait, Clock clock) {
        public Settings {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(egress, "egress");
            Objects.requireNonNull(provisionerIdentity, "provisionerIdentity");
            Objects.requireNonNull(certificateWait, "certificateWait");
            Objects.requireNonNull(clock, "clock");
        }

        /** Isolated egress, no self-binding, one minute for certificates, the system clock. */
        public static Settings of(ClusterEndpoint endpoint) {
            return new Settings(endpoint, EgressPolicy.ISOLATED, Optional.empty(), Duration.ofMinutes(1),
                    Clock.systemUTC());
        }
    }

    private final KubernetesClient client;
    private final Settings settings;

    public KubernetesProvisioner(KubernetesClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    public NamespaceObjects objects(Lease lease) {
        return new NamespaceObjects(lease, settings.egress(), settings.provisionerIdentity());
    }

    @Override
    public Provisioned provision(Lease lease, CredentialRequest credentials) {
        checkOwnership(lease);
        for (HasMetadata object : objects(lease).all()) {
            // create, or on a conflict (an earlier attempt got this far) replace with the same content
            client.resource(object).createOr(NonDeletingOperation::update);
        }
        Kubeconfigs.UserCredential user;
        if (credentials instanceof CredentialRequest.ClientCertificate c) {
            user = new Kubeconfigs.UserCredential.ClientCertificate(certificate(lease, c.csrPem()));
        } else {
            user = new Kubeconfigs.UserCredential.Token(token(lease));
        }
        ClusterEndpoint endpoint = settings.endpoint();
        String kubeconfig = Kubeconfigs.build(lease.namespace(), endpoint.server(),
                endpoint.caPem().isEmpty() ? null : endpoint.caPem(), lease.namespace(), user, List.of());
        LOG.info("lease {}: provisioned namespace {}", lease.id(), lease.namespace());
        return new Provisioned(lease.namespace(), kubeconfig, settings.endpoint().server());
    }

    /**
     * Creates the objects of the lease's namespace that are missing (deleted by hand, or never
     * made because a provisioning was cut short), the namespace itself included; objects that
     * exist are left as they are, and credentials are not touched. A recreated ServiceAccount
     * invalidates the requester's token.
     *
     * @return the objects made, as "Kind name"; empty when nothing was missing
     * @throws IllegalStateException if the namespace exists and is not this lease's
     */
    public List<String> restoreMissing(Lease lease) {
        checkOwnership(lease);
        List<String> made = new ArrayList<>();
        for (HasMetadata object : objects(lease).all()) {
            if (client.resource(object).get() == null) {
                client.resource(object).createOr(NonDeletingOperation::update);
                made.add(object.getKind() + " " + object.getMetadata().getName());
            }
        }
        if (!made.isEmpty()) {
            LOG.warn("lease {}: recreated what was missing in namespace {}: {}", lease.id(), lease.namespace(), made);
        }
        return made;
    }

    /**
     * Refuses to touch a namespace that exists and is not this lease's: a lease must never adopt
     * (or later delete) somebody else's namespace.
     */
    private void checkOwnership(Lease lease) {
        Namespace existing = client.namespaces().withName(lease.namespace()).get();
        if (existing == null) {
            return;
        }
        var labels = existing.getMetadata().getLabels();
        String owner = labels == null ? null : labels.get(NamespaceManifests.LEASE_LABEL);
        if (!lease.id().equals(owner)) {
            throw new IllegalStateException("namespace " + lease.namespace() + " exists and does not belong to lease "
                    + lease.id() + (owner == null ? " (it is not managed by angler)" : " (it belongs to lease " + owner + ")")
                    + "; choose another namespace name");
        }
    }

    private long credentialSeconds(Lease lease) {
        long left = Duration.between(settings.clock().instant(), lease.expiresAt()).getSeconds();
        return Math.max(MIN_CREDENTIAL_SECONDS, left);
    }

    private String token(Lease lease) {
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
                .withExpirationSeconds(credentialSeconds(lease)).endSpec().build();
        TokenRequest issued = client.serviceAccounts().inNamespace(lease.namespace())
                .withName(NamespaceManifests.TENANT).tokenRequest(request);
        if (issued == null || issued.getStatus() == null || issued.getStatus().getToken() == null
                || issued.getStatus().getToken().isBlank()) {
            throw new IllegalStateException("lease " + lease.id() + ": the API server returned no token for "
                    + lease.namespace() + "/" + NamespaceManifests.TENANT);
        }
        return issued.getStatus().getToken();
    }

    private String certificate(Lease lease, String csrPem) {
        NamespaceObjects objects = objects(lease);
        CsrCheck.check(csrPem, objects.certificateUser());
        CertificateSigningRequest wanted = objects.certificateSigningRequest(csrPem,
                Duration.ofSeconds(credentialSeconds(lease)));
        String name = wanted.getMetadata().getName();
        var csrs = client.certificates().v1().certificateSigningRequests();
        CertificateSigningRequest existing = csrs.withName(name).get();
        if (existing != null && !(wanted.getSpec().getRequest().equals(existing.getSpec().getRequest())
                && expiresAt(wanted).equals(expiresAt(existing)))) {
            // A retried claim with a new key pair, or a renewal (a new expiry, usually a new request
            // too): the old request must not be signed any more, and its certificate ends too early.
            csrs.withName(name).withTimeout(30, TimeUnit.SECONDS).delete();
            existing = null;
        }
        if (existing == null) {
            csrs.resource(wanted).create();
            existing = csrs.withName(name).get();
        }
        if (!hasCondition(existing, "Approved")) {
            CertificateSigningRequestCondition approved = new CertificateSigningRequestConditionBuilder()
                    .withType("Approved").withStatus("True").withReason("AnglerLease")
                    .withMessage("approved by the angler provider for lease " + lease.id()).build();
            csrs.withName(name).approve(approved);
        }
        CertificateSigningRequest issued;
        try {
            issued = csrs.withName(name).waitUntilCondition(csr -> csr == null || issuedOrFailed(csr),
                    settings.certificateWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("lease " + lease.id() + ": no certificate issued for " + name + " within "
                    + settings.certificateWait().toSeconds() + " s; is the cluster's " + KUBE_APISERVER_CLIENT_SIGNER
                    + " signer running (kube-controller-manager with --cluster-signing-*)?", e);
        }
        if (issued == null) {
            throw new IllegalStateException("lease " + lease.id() + ": CertificateSigningRequest " + name
                    + " was deleted while waiting for its certificate");
        }
        if (hasCondition(issued, "Denied") || hasCondition(issued, "Failed")) {
            throw new IllegalStateException("lease " + lease.id() + ": the signer refused CertificateSigningRequest "
                    + name + ": " + conditionMessages(issued));
        }
        return new String(Base64.getDecoder().decode(issued.getStatus().getCertificate()), StandardCharsets.US_ASCII);
    }

    /** The lease expiry a request was made for (absent on requests made before it was recorded). */
    private static String expiresAt(CertificateSigningRequest csr) {
        var annotations = csr.getMetadata().getAnnotations();
        return annotations == null ? "" : annotations.getOrDefault(NamespaceManifests.EXPIRES_ANNOTATION, "");
    }

    private static boolean issuedOrFailed(CertificateSigningRequest csr) {
        boolean issued = csr.getStatus() != null && csr.getStatus().getCertificate() != null
                && !csr.getStatus().getCertificate().isEmpty();
        return issued || hasCondition(csr, "Denied") || hasCondition(csr, "Failed");
    }

    private static boolean hasCondition(CertificateSigningRequest csr, String type) {
        return csr.getStatus() != null && csr.getStatus().getConditions() != null
                && csr.getStatus().getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String conditionMessages(CertificateSigningRequest csr) {
        return csr.getStatus().getConditions().stream().map(c -> c.getType() + ": " + c.getMessage()).toList().toString();
    }

    /**
     * Revokes access first (the RoleBinding and the ServiceAccount, so tokens stop working at
     * once: namespace deletion is asynchronous), deletes the namespace, which takes everything else
     * with it, and removes the certificate request. Missing objects are not an error.
     */
    @Override
    public void deprovision(Lease lease) {
        Namespace existing = client.namespaces().withName(lease.namespace()).get();
        if (existing != null) {
            checkOwnership(lease);
            String ns = lease.namespace();
            client.rbac().roleBindings().inNamespace(ns).withName(NamespaceManifests.TENANT).delete();
            client.serviceAccounts().inNamespace(ns).withName(NamespaceManifests.TENANT).delete();
            // Deleting the namespace removes every other object in it (the API server's namespace
            // controller does that; the objects are not deleted one by one here).
            client.namespaces().withName(ns).delete();
        }
        var csr = client.certificates().v1().certificateSigningRequests().withName(lease.namespace());
        CertificateSigningRequest c = csr.get();
        if (c != null && c.getMetadata().getLabels() != null
                && lease.id().equals(c.getMetadata().getLabels().get(NamespaceManifests.LEASE_LABEL))) {
            csr.delete();
        }
        LOG.info("lease {}: deprovisioned namespace {}", lease.id(), lease.namespace());
    }
}
