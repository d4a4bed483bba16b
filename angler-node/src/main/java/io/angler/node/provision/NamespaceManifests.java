package io.angler.node.provision;

import io.angler.node.lease.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * The Kubernetes objects a lease is provisioned as, built as plain ordered maps (the JSON/YAML
 * shape of the objects) so that both provisioners share one definition: the manifest writer turns
 * them into YAML files, the cluster provisioner (angler-k8s) hands them to its client.
 *
 * <p>For a lease of n units of a bundle such as {@code cpu=200m,memory=128Mi}:
 * <ul>
 *   <li>Namespace {@code angler-<lease id>}, labelled with the lease and offer, with Pod Security
 *       admission at {@code baseline} (warnings at {@code restricted}): tenants are strangers and
 *       must not run privileged pods on the provider's nodes.</li>
 *   <li>ResourceQuota: n times the bundle as {@code requests.*} and {@code limits.*} for cpu,
 *       memory and ephemeral-storage, {@code requests.*} for everything else (extended resources
 *       such as {@code nvidia.com/gpu}, hugepages, storage).</li>
 *   <li>LimitRange: one unit of cpu, memory and ephemeral-storage as each container's default
 *       request and limit, so pods that state no resources are still admitted under the quota.</li>
 *   <li>NetworkPolicy: ingress only from the namespace itself; egress per {@link EgressPolicy}.</li>
 *   <li>ServiceAccount, Role and RoleBinding: the tenant manages workloads in its namespace only,
 *       and can read but not change its quota, limits and network policy.</li>
 * </ul>
 */
public final class NamespaceManifests {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LEASE_LABEL = "angler.io/lease";
    public static final String OFFER_LABEL = "angler.io/offer";
    public static final String EXPIRES_ANNOTATION = "angler.io/expires-at";
    public static final String UNITS_ANNOTATION = "angler.io/units";
    public static final String REQUESTER_ANNOTATION = "angler.io/requester";
    /** Name of the ServiceAccount, Role and RoleBinding in each namespace. */
    public static final String TENANT = "angler-tenant";
    public static final String QUOTA = "angler-quota";
    public static final String LIMIT_RANGE = "angler-defaults";
    public static final String NETWORK_POLICY = "angler-isolation";

    /** Resources that Kubernetes quotas as both requests and limits; the rest only as requests. */
    private static final Set<String> REQUESTS_AND_LIMITS = Set.of("cpu", "memory", "ephemeral-storage");
    /** Resources a LimitRange gives containers defaults for. */
    private static final Set<String> DEFAULTED = REQUESTS_AND_LIMITS;
    private static final List<String> PRIVATE_V4 = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8");
    private static final List<String> PRIVATE_V6 = List.of("fc00::/7", "fe80::/10", "::1/128");
    private static final List<String> ALL_VERBS =
            List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");
    private static final List<String> READ_VERBS = List.of("get", "list", "watch");

    private final EgressPolicy egress;

    public NamespaceManifests(EgressPolicy egress) {
        this.egress = egress;
    }

    /** The user name a lease's client certificate must carry as its subject CN. */
    public static String clientUser(String leaseId) {
        return "angler:lease:" + leaseId;
    }

    /** Every namespaced object and the namespace itself, in the order they are applied. */
    public List<Map<String, Object>> objects(Lease lease) {
        return List.of(namespace(lease), serviceAccount(lease), resourceQuota(lease), limitRange(lease),
                networkPolicy(lease), role(lease), roleBinding(lease));
    }

    public Map<String, Object> namespace(Lease lease) {
        Map<String, Object> labels = labels(lease);
        labels.put("pod-security.kubernetes.io/enforce", "baseline");
        labels.put("pod-security.kubernetes.io/warn", "restricted");
        labels.put("pod-security.kubernetes.io/audit", "restricted");
        Map<String, Object> meta = map("name", lease.namespace(), "labels", labels, "annotations", map(
                EXPIRES_ANNOTATION, lease.expiresAt().toString(),
                UNITS_ANNOTATION, Long.toString(lease.units()),
                REQUESTER_ANNOTATION, lease.requester()));
        return map("apiVersion", "v1", "kind", "Namespace", "metadata", meta);
    }

    public Map<String, Object> serviceAccount(Lease lease) {
        return map("apiVersion", "v1", "kind", "ServiceAccount", "metadata", meta(lease, TENANT),
                "automountServiceAccountToken", false);
    }

    public Map<String, Object> resourceQuota(Lease lease) {
        Map<String, Object> hard = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : lease.unit().times(lease.units()).entrySet()) {
            hard.put("requests." + e.getKey(), e.getValue());
            if (REQUESTS_AND_LIMITS.contains(e.getKey())) {
                hard.put("limits." + e.getKey(), e.getValue());
            }
        }
        return map("apiVersion", "v1", "kind", "ResourceQuota", "metadata", meta(lease, QUOTA),
                "spec", map("hard", hard));
    }

    public Map<String, Object> limitRange(Lease lease) {
        Map<String, Object> one = new LinkedHashMap<>();
        SortedMap<String, String> unit = lease.unit().times(1);
        for (String r : unit.keySet()) {
            if (DEFAULTED.contains(r)) {
                one.put(r, unit.get(r));
            }
        }
        Map<String, Object> limit = map("type", "Container");
        if (!one.isEmpty()) {
            limit.put("default", one);
            limit.put("defaultRequest", new LinkedHashMap<>(one));
        }
        return map("apiVersion", "v1", "kind", "LimitRange", "metadata", meta(lease, LIMIT_RANGE),
                "spec", map("limits", List.of(limit)));
    }

    public Map<String, Object> networkPolicy(Lease lease) {
        Map<String, Object> sameNamespace = map("podSelector", map());
        Map<String, Object> spec = map("podSelector", map(),
                "ingress", List.of(map("from", List.of(sameNamespace))));
        if (egress == EgressPolicy.OPEN) {
            spec.put("policyTypes", List.of("Ingress"));
        } else {
            List<Object> rules = new ArrayList<>();
            rules.add(map("to", List.of(map("podSelector", map()))));
            rules.add(map(
                    "to", List.of(map(
                            "namespaceSelector", map("matchLabels", map("kubernetes.io/metadata.name", "kube-system")),
                            "podSelector", map("matchLabels", map("k8s-app", "kube-dns")))),
                    "ports", List.of(map("protocol", "UDP", "port", 53), map("protocol", "TCP", "port", 53))));
            if (egress == EgressPolicy.INTERNET) {
                rules.add(map("to", List.of(
                        map("ipBlock", map("cidr", "0.0.0.0/0", "except", PRIVATE_V4)),
                        map("ipBlock", map("cidr", "::/0", "except", PRIVATE_V6)))));
            }
            spec.put("policyTypes", List.of("Ingress", "Egress"));
            spec.put("egress", rules);
        }
        return map("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy", "metadata", meta(lease, NETWORK_POLICY),
                "spec", spec);
    }

    public Map<String, Object> role(Lease lease) {
        List<Object> rules = List.of(
                rule("", List.of("pods", "pods/log", "pods/exec", "pods/attach", "pods/portforward", "services",
                        "endpoints", "configmaps", "secrets", "persistentvolumeclaims", "serviceaccounts",
                        "serviceaccounts/token"), ALL_VERBS),
                rule("", List.of("events", "resourcequotas", "limitranges"), READ_VERBS),
                rule("apps", List.of("deployments", "statefulsets", "replicasets", "daemonsets"), ALL_VERBS),
                rule("batch", List.of("jobs", "cronjobs"), ALL_VERBS),
                rule("autoscaling", List.of("horizontalpodautoscalers"), ALL_VERBS),
                rule("policy", List.of("poddisruptionbudgets"), ALL_VERBS),
                rule("networking.k8s.io", List.of("ingresses"), ALL_VERBS),
                rule("networking.k8s.io", List.of("networkpolicies"), READ_VERBS),
                rule("events.k8s.io", List.of("events"), READ_VERBS));
        return map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "Role", "metadata", meta(lease, TENANT),
                "rules", rules);
    }

    public Map<String, Object> roleBinding(Lease lease) {
        List<Object> subjects = List.of(
                map("kind", "ServiceAccount", "name", TENANT, "namespace", lease.namespace()),
                map("apiGroup", "rbac.authorization.k8s.io", "kind", "User", "name", clientUser(lease.id())));
        return map("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "RoleBinding", "metadata", meta(lease, TENANT),
                "roleRef", map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", TENANT),
                "subjects", subjects);
    }

    /**
     * The CertificateSigningRequest for a client certificate (cluster scoped), valid until the
     * lease expires (Kubernetes accepts at least 10 minutes).
     */
    public Map<String, Object> certificateSigningRequest(Lease lease, String csrPem, Duration validFor) {
        long seconds = Math.max(600, validFor.toSeconds());
        // The expiry it was made for: a provisioner reuses a request only for the same expiry, so a
        // renewal gets a certificate for its new expiry and a retried claim the one already issued.
        Map<String, Object> meta = map("name", lease.namespace(), "labels", labels(lease),
                "annotations", map(EXPIRES_ANNOTATION, lease.expiresAt().toString()));
        return map("apiVersion", "certificates.k8s.io/v1", "kind", "CertificateSigningRequest", "metadata", meta,
                "spec", map(
                        "request", Base64.getEncoder().encodeToString(csrPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                        "signerName", "kubernetes.io/kube-apiserver-client",
                        "expirationSeconds", seconds,
                        "usages", List.of("client auth")));
    }

    private static Map<String, Object> labels(Lease lease) {
        return map(MANAGED_BY, "angler", LEASE_LABEL, lease.id(), OFFER_LABEL, lease.offer());
    }

    private static Map<String, Object> meta(Lease lease, String name) {
        return map("name", name, "namespace", lease.namespace(), "labels", labels(lease));
    }

    private static Map<String, Object> rule(String group, List<String> resources, List<String> verbs) {
        return map("apiGroups", List.of(group), "resources", resources, "verbs", verbs);
    }

    /** An insertion-ordered map from alternating keys and values. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
