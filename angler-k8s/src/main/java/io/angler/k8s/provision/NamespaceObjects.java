package io.angler.k8s.provision;

import io.angler.node.lease.Lease;
import io.angler.node.provision.EgressPolicy;
import io.angler.node.provision.NamespaceManifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API objects of a lease: exactly the objects of angler-node's {@link NamespaceManifests} (the
 * manifest provisioner writes the same ones to files), as fabric8 model objects, plus one binding
 * that only a provisioner working through the API needs (see {@link #provisionerBinding()}). They are
 * built from the lease alone, so a retry after a crash builds exactly the same objects.
 */
public final class NamespaceObjects {
    /** The ClusterRole in deploy/rbac.yaml holding the same rules as each namespace's tenant Role. */
    public static final String TENANT_CLUSTER_ROLE = "angler-tenant";
    /** The binding that lets the provisioner hold the tenant permissions in the namespace. */
    public static final String PROVISIONER_BINDING = "angler-provisioner";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final Lease lease;
    private final NamespaceManifests manifests;
    private final Optional<Subject> provisioner;

    /**
     * @param provisioner the identity that creates the objects, bound to the ClusterRole
     *     {@code angler-tenant} in the namespace so that it may create the tenant Role (absent when it
     *     already holds those permissions, e.g. a cluster admin running {@code angler operator})
     */
    public NamespaceObjects(Lease lease, EgressPolicy egress, Optional<Subject> provisioner) {
        this.lease = lease;
        this.manifests = new NamespaceManifests(egress);
        this.provisioner = provisioner;
    }

    /** The typed object for one of the shared manifests. */
    static HasMetadata typed(Map<String, Object> manifest) {
        return SERIALIZATION.unmarshal(SERIALIZATION.asJson(manifest));
    }

    public Namespace namespace() {
        return (Namespace) typed(manifests.namespace(lease));
    }

    public Role role() {
        return (Role) typed(manifests.role(lease));
    }

    public CertificateSigningRequest certificateSigningRequest(String csrPem, Duration validFor) {
        return (CertificateSigningRequest) typed(manifests.certificateSigningRequest(lease, csrPem, validFor));
    }

    /** The user name a client certificate for this lease must carry as its common name. */
    public String certificateUser() {
        return NamespaceManifests.clientUser(lease.id());
    }

    /**
     * Kubernetes lets an identity create a Role only with permissions it holds in that namespace
     * (or with the {@code escalate} verb, which would let it grant anything). So the provisioner first
     * binds the ClusterRole {@code angler-tenant}, which holds the tenant rules, to itself in the new
     * namespace (needing only {@code bind} on that one ClusterRole), and then creates the Role.
     */
    public Optional<RoleBinding> provisionerBinding() {
        return provisioner.map(subject -> new RoleBindingBuilder()
                .withNewMetadata().withName(PROVISIONER_BINDING).withNamespace(lease.namespace())
                .addToLabels(NamespaceManifests.MANAGED_BY, "angler")
                .addToLabels(NamespaceManifests.LEASE_LABEL, lease.id())
                .addToLabels(NamespaceManifests.OFFER_LABEL, lease.offer()).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(TENANT_CLUSTER_ROLE).endRoleRef()
                .withSubjects(subject).build());
    }

    /**
     * Every object in creation order: the namespace, the provisioner's binding, then the shared
     * objects in their order (ServiceAccount, quota, limits, policy, Role, RoleBinding), so the
     * requester's binding comes last, once everything that confines it exists.
     */
    public List<HasMetadata> all() {
        List<HasMetadata> out = new ArrayList<>();
        List<Map<String, Object>> shared = manifests.objects(lease);
        out.add(typed(shared.get(0)));
        provisionerBinding().ifPresent(out::add);
        for (Map<String, Object> m : shared.subList(1, shared.size())) {
            out.add(typed(m));
        }
        return out;
    }
}
