package io.angler.k8s.deploy;

import io.angler.k8s.Deploy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The operator's RBAC in deploy/rbac.yaml, and the authorization a real API server would make of
 * each request the mock server recorded: the request is mapped to verb, group, resource, namespace
 * and name as the API server's request-info resolver does, and checked against the rules.
 */
public final class RbacRules {
    public static final String NS = "angler-system";
    /** Verbs that are authorization checks made by the API server, never requests of their own. */
    static final Set<String> CHECK_VERBS = Set.of("bind", "approve", "escalate");

    private RbacRules() {
    }

    /** One authorization: verb on group/resource, in a namespace or cluster-wide (null), on a name (or null). */
    public record Access(String verb, String group, String resource, String namespace, String name) {
        String key() {
            return verb + " " + (group.isEmpty() ? "core" : group) + "/" + resource;
        }
    }

    /** What a set of requests came to: every verb used, and each request the RBAC would deny. */
    public record Audit(Set<String> used, Set<String> denied) {
    }

    /** Maps a request as the API server's request-info resolver does. */
    static Access access(RecordedRequest r) {
        String path = r.getPath();
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String[] parts = path.substring(1).split("/");
        int i;
        String group;
        if (parts[0].equals("api")) {
            group = "";
            i = 2;
        } else {
            group = parts[1];
            i = 3;
        }
        String namespace = null;
        if (parts.length > i + 2 && parts[i].equals("namespaces")) {
            namespace = parts[i + 1];
            i += 2;
        }
        String resource = parts[i];
        String name = parts.length > i + 1 ? parts[i + 1] : null;
        if (resource.equals("namespaces") && name != null) {
            namespace = name;
        }
        String sub = parts.length > i + 2 ? parts[i + 2] : null;
        String verb = switch (r.getMethod()) {
            case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> throw new AssertionError("unexpected method " + r.getMethod());
        };
        return new Access(verb, group, sub == null ? resource : resource + "/" + sub, namespace, name);
    }

    /** Whether a rule grants the access; a rule with resource names grants only requests naming one of them. */
    static boolean allows(List<PolicyRule> rules, Access a) {
        return rules.stream().anyMatch(rule -> rule.getApiGroups().contains(a.group())
                && rule.getResources().contains(a.resource()) && rule.getVerbs().contains(a.verb())
                && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || (a.name() != null && rule.getResourceNames().contains(a.name()))));
    }

    /** Every verb the rules grant as requests (bind and approve are checks; see {@link #CHECK_VERBS}). */
    static Set<String> granted(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String g : rule.getApiGroups()) {
                for (String res : rule.getResources()) {
                    for (String v : rule.getVerbs()) {
                        if (!CHECK_VERBS.contains(v)) {
                            out.add(new Access(v, g, res, null, null).key());
                        }
                    }
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T find(Class<T> type, String name) {
        return (T) Deploy.objects("rbac.yaml").stream()
                .filter(o -> type.isInstance(o) && o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("deploy/rbac.yaml has no " + type.getSimpleName() + " " + name));
    }

    static ClusterRole clusterRole() {
        return find(ClusterRole.class, "angler-operator");
    }

    static Role role() {
        return find(Role.class, "angler-operator");
    }

    /** Every verb the operator's ClusterRole and Role grant as requests. */
    static Set<String> grants() {
        Set<String> grants = new TreeSet<>(granted(clusterRole().getRules()));
        grants.addAll(granted(role().getRules()));
        return grants;
    }

    /**
     * Takes every request the server recorded so far and checks those made with user agent
     * {@code agent} against deploy/rbac.yaml (the ClusterRole anywhere, the Role in {@link #NS}).
     */
    public static Audit audit(KubernetesMockServer server, String agent) throws InterruptedException {
        ClusterRole cluster = clusterRole();
        Role local = role();
        Set<String> used = new TreeSet<>();
        Set<String> denied = new TreeSet<>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (!agent.equals(r.getHeader("User-Agent"))) {
                continue;
            }
            Access a = access(r);
            used.add(a.key());
            boolean ok = allows(cluster.getRules(), a) || (NS.equals(a.namespace()) && allows(local.getRules(), a));
            if (!ok) {
                denied.add(a.key() + (a.namespace() == null ? "" : " in " + a.namespace())
                        + (a.name() == null ? "" : " named " + a.name()) + "  <- " + r.getRequestLine());
            }
        }
        return new Audit(used, denied);
    }
}
