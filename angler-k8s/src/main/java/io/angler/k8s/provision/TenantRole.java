package io.angler.k8s.provision;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.List;

/**
 * What a requester may do in its namespace: run workloads and the objects they need. It cannot
 * touch the quota, the limit range, the network policy or RBAC, which are what confine it. The same
 * rules are the ClusterRole {@code angler-tenant} in {@code deploy/rbac.yaml} (the operator binds
 * that ClusterRole to itself in each lease namespace before creating this Role, because Kubernetes
 * only lets an identity grant permissions it holds); a test keeps the two equal.
 */
public final class TenantRole {
    public static final String NAME = "angler-tenant";

    private static final List<String> ALL = List.of("get", "list", "watch", "create", "update", "patch", "delete",
            "deletecollection");
    private static final List<String> READ = List.of("get", "list", "watch");

    private TenantRole() {
    }

    public static List<PolicyRule> rules() {
        return List.of(
                rule("", List.of("pods", "services", "configmaps", "secrets", "persistentvolumeclaims",
                        "serviceaccounts"), ALL),
                rule("", List.of("pods/log", "pods/status", "events", "resourcequotas", "limitranges"), READ),
                rule("", List.of("pods/exec", "pods/portforward", "pods/attach"), List.of("get", "create")),
                rule("apps", List.of("deployments", "statefulsets", "replicasets", "daemonsets"), ALL),
                rule("apps", List.of("deployments/scale", "statefulsets/scale"), List.of("get", "update", "patch")),
                rule("batch", List.of("jobs", "cronjobs"), ALL),
                rule("autoscaling", List.of("horizontalpodautoscalers"), ALL),
                rule("policy", List.of("poddisruptionbudgets"), ALL),
                rule("networking.k8s.io", List.of("ingresses"), ALL));
    }

    private static PolicyRule rule(String group, List<String> resources, List<String> verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resources).withVerbs(verbs).build();
    }
}
