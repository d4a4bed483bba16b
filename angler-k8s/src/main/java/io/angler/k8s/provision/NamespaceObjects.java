package io.angler.k8s.provision;

import io.angler.core.unit.ResourceUnit;
import io.angler.node.lease.Lease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The API objects a lease gets, built from the lease alone so that a retry after a crash builds
 * exactly the same objects. Creation order is the order of {@link #all()}: the namespace first,
 * then the binding that lets the provisioner grant the tenant role, the Role, and only then what
 * the requester may use.
 */
public final class NamespaceObjects {
    public static final String LEASE_LABEL = "angler.io/lease";
    public static final String OFFER_LABEL = "angler.io/offer";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "angler";
    public static final String REQUESTER_ANNOTATION = "angler.io/requester";
    public static final String EXPIRES_ANNOTATION = "angler.io/expires-at";

    public static final String SERVICE_ACCOUNT = "angler-tenant";
    public static final String QUOTA = "angler-quota";
    public static final String LIMIT_RANGE = "angler-defaults";
    public static final String NETWORK_POLICY = "angler-isolation";
    public static final String ROLE_BINDING = "angler-tenant";
    public static final String PROVISIONER_BINDING = "angler-provisioner";

    /** Resources that a container asks for in requests and limits. */
    private static final Set<String> COMPUTE = Set.of("cpu", "memory", "ephemeral-storage");
    /** Resources a LimitRange gives defaults for; a pod that names none still gets these. */
    private static final Set<String> DEFAULTED = COMPUTE;

    private final Lease lease;
    private final EgressPolicy egress;
    private final Optional<Subject> provisioner;

    /**
     * @param provisioner the identity that creates the objects, bound to the ClusterRole
     *     {@code angler-tenant} in the namespace so it may create the Role (absent when it already
     *     holds those permissions, e.g. a cluster admin running {@code angler operator} locally)
     */
    public NamespaceObjects(Lease lease, EgressPolicy egress, Optional<Subject> provisioner) {
        this.lease = lease;
        this.egress = egress;
        this.provisioner = provisioner;
    }

    /** The user name a client certificate for this lease must carry as its common name. */
    public static String certificateUser(Lease lease) {
        return "angler:lease:" + lease.id();
    }

    /** The cluster-scoped CertificateSigningRequest name used for this lease. */
    public static String csrName(Lease lease) {
        return "angler-" + lease.id();
    }

    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LEASE_LABEL, lease.id());
        labels.put(OFFER_LABEL, lease.offer());
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    private ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(lease.namespace()).withLabels(labels()).build();
    }

    public Namespace namespace() {
        return new NamespaceBuilder()
                .withNewMetadata().withName(lease.namespace()).withLabels(labels())
                .addToAnnotations(REQUESTER_ANNOTATION, lease.requester())
                .addToAnnotations(EXPIRES_ANNOTATION, lease.expiresAt().toString())
                .endMetadata()
                .build();
    }

    public ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder().withMetadata(meta(SERVICE_ACCOUNT))
                .withAutomountServiceAccountToken(false).build();
    }

    /** The quota: the unit bundle times the leased units. */
    public ResourceQuota quota() {
        SortedMap<String, Quantity> hard = new TreeMap<>();
        for (Map.Entry<String, String> e : lease.unit().times(lease.units()).entrySet()) {
            for (String key : quotaKeys(e.getKey())) {
                hard.put(key, new Quantity(e.getValue()));
            }
        }
        return new ResourceQuotaBuilder().withMetadata(meta(QUOTA)).withNewSpec().withHard(hard).endSpec().build();
    }

    /**
     * Quota keys for one resource of the unit. Compute resources are capped in both requests and
     * limits; extended resources (names with a domain, such as {@code nvidia.com/gpu}) and
     * hugepages only as requests, the one form quota accepts for them; {@code storage} caps the
     * claims' requests; any other name (an object count such as {@code pods}) is used as is.
     */
    static List<String> quotaKeys(String resource) {
        if (COMPUTE.contains(resource)) {
            return List.of("requests." + resource, "limits." + resource);
        }
        if (resource.equals("storage") || resource.contains("/") || resource.startsWith("hugepages-")) {
            return List.of("requests." + resource);
        }
        return List.of(resource);
    }

    /**
     * Defaults so that a container naming no requests or limits is admitted under the quota: one
     * unit's worth of each compute resource. Extended resources get no default: a container that
     * does not ask for a GPU should not be given one.
     */
    public LimitRange limitRange() {
        ResourceUnit unit = lease.unit();
        Map<String, Quantity> defaults = new TreeMap<>();
        for (Map.Entry<String, String> e : unit.times(1).entrySet()) {
            if (DEFAULTED.contains(e.getKey())) {
                defaults.put(e.getKey(), new Quantity(e.getValue()));
            }
        }
        return new LimitRangeBuilder().withMetadata(meta(LIMIT_RANGE))
                .withNewSpec().addNewLimit().withType("Container")
                .withDefault(defaults).withDefaultRequest(defaults)
                .endLimit().endSpec().build();
    }

    /**
     * Isolation: ingress only from pods of the same namespace; egress anywhere when open, else to
     * the namespace itself, cluster DNS and the configured CIDRs.
     */
    public NetworkPolicy networkPolicy() {
        var peerSelf = new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build();
        List<String> types = List.of("Ingress", "Egress");
        List<NetworkPolicyEgressRule> egressRules = new ArrayList<>();
        if (egress.open()) {
            egressRules.add(new NetworkPolicyEgressRule()); // an empty rule allows every destination
        } else {
            egressRules.add(new NetworkPolicyEgressRuleBuilder().withTo(peerSelf).build());
            egressRules.add(new NetworkPolicyEgressRuleBuilder()
                    .addNewTo().withNewNamespaceSelector()
                    .addToMatchLabels("kubernetes.io/metadata.name", "kube-system").endNamespaceSelector()
                    .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector().endTo()
                    .addNewPort().withProtocol("UDP").withNewPort(53).endPort()
                    .addNewPort().withProtocol("TCP").withNewPort(53).endPort()
                    .build());
            for (String cidr : egress.cidrs()) {
                egressRules.add(new NetworkPolicyEgressRuleBuilder().addNewTo().withNewIpBlock().withCidr(cidr)
                        .endIpBlock().endTo().build());
            }
        }
        return new NetworkPolicyBuilder().withMetadata(meta(NETWORK_POLICY))
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes(types)
                .addNewIngress().withFrom(peerSelf).endIngress()
                .withEgress(egressRules)
                .endSpec().build();
    }

    /** Lets the provisioner hold the tenant permissions here, which Kubernetes requires to grant them. */
    public Optional<RoleBinding> provisionerBinding() {
        return provisioner.map(subject -> new RoleBindingBuilder().withMetadata(meta(PROVISIONER_BINDING))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(TenantRole.NAME).endRoleRef()
                .withSubjects(subject).build());
    }

    public Role role() {
        return new RoleBuilder().withMetadata(meta(TenantRole.NAME)).withRules(TenantRole.rules()).build();
    }

    /**
     * Binds the tenant Role to the lease's ServiceAccount (token credentials) and to the lease's
     * certificate user (certificate credentials). The user name is unique to the lease, so a
     * certificate from an old lease never matches a later lease's binding.
     */
    public RoleBinding roleBinding() {
        return new RoleBindingBuilder().withMetadata(meta(ROLE_BINDING))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(TenantRole.NAME).endRoleRef()
                .withSubjects(
                        new SubjectBuilder().withKind("ServiceAccount").withName(SERVICE_ACCOUNT)
                                .withNamespace(lease.namespace()).build(),
                        new SubjectBuilder().withKind("User").withApiGroup("rbac.authorization.k8s.io")
                                .withName(certificateUser(lease)).build())
                .build();
    }

    /** Every object, in creation order. */
    public List<HasMetadata> all() {
        List<HasMetadata> out = new ArrayList<>();
        out.add(namespace());
        provisionerBinding().ifPresent(out::add);
        out.add(role());
        out.add(serviceAccount());
        out.add(quota());
        out.add(limitRange());
        out.add(networkPolicy());
        out.add(roleBinding());
        return out;
    }
}
