package io.angler.k8s.crd;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * One allocation a provider serves. Namespaced: PoolLeases live in the operator's own namespace,
 * so the operator needs access to them there only. The provider's ledger is rebuilt from them on
 * restart. Its schema is {@code deploy/crds/poolleases.angler.io.yaml}.
 */
@Group(PoolContribution.GROUP)
@Version(PoolContribution.VERSION)
@Plural("poolleases")
@Singular("poollease")
@ShortNames("pl")
public final class PoolLease extends CustomResource<PoolLease.Spec, PoolLease.Status> implements Namespaced {

    /**
     * The lease, field for field as {@code io.angler.node.lease.Lease}.
     *
     * @param offer the PoolContribution the units come from
     * @param requester SHA-256 fingerprint of the requester's TLS certificate
     * @param unit the canonical unit: resource name to amount (cpu in millicores, others in base units)
     * @param units number of units
     * @param price price per unit-hour in micro-units
     * @param namespace the namespace provisioned for the lease
     * @param createdAt RFC 3339 time the lease was granted
     * @param expiresAt RFC 3339 time the lease ends unless renewed
     */
    public record Spec(String offer, String requester, Map<String, String> unit, Long units, Long price,
                       String namespace, String createdAt, String expiresAt) {
    }

    /**
     * @param observedGeneration the spec generation this status describes
     * @param phase {@code Active}, or {@code Invalid} when the spec cannot be read
     * @param conditions {@code Valid}: False with the reason when the spec cannot be read
     */
    public record Status(Long observedGeneration, String phase, List<Condition> conditions) {
    }
}
