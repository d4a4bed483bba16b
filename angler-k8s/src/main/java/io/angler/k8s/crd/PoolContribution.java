package io.angler.k8s.crd;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * A provider's offer to the pool, as a cluster-scoped custom resource. Cluster scoped because an
 * offer sells capacity of the whole cluster, not of one namespace. Its schema is
 * {@code deploy/crds/poolcontributions.angler.io.yaml}.
 */
@Group(PoolContribution.GROUP)
@Version(PoolContribution.VERSION)
@Plural("poolcontributions")
@Singular("poolcontribution")
@ShortNames("pc")
public final class PoolContribution extends CustomResource<PoolContribution.Spec, PoolContribution.Status> {
    public static final String GROUP = "angler.io";
    public static final String VERSION = "v1alpha1";

    /**
     * The offer.
     *
     * @param unit the bundle sold as one unit: resource name to Kubernetes quantity
     * @param quantity q, the number of units contributed (secret from the pool)
     * @param price f(q, r), the price per unit-hour in micro-units (secret from the pool)
     * @param location the provider's geohash
     * @param leaseLimits lease durations and the smallest request served (optional)
     * @param announcePrecisions geohash precisions the offer is announced at (optional, default 4, 5, 6)
     */
    public record Spec(Map<String, String> unit, Long quantity, String price, String location,
                       LeaseLimitsSpec leaseLimits, List<Integer> announcePrecisions) {
    }

    /**
     * Lease limits as written in the resource: durations in Kubernetes style ({@code 90s},
     * {@code 30m}, {@code 720h}, {@code 1h30m}).
     */
    public record LeaseLimitsSpec(String minDuration, String maxDuration, Long minUnits) {
    }

    /**
     * What the operator observed.
     *
     * @param observedGeneration the spec generation this status describes
     * @param remainingUnits units not leased (absent while the spec is invalid)
     * @param activeLeases PoolLease objects for this offer
     * @param conditions {@code Ready}: True when announced, False with the reason otherwise
     */
    public record Status(Long observedGeneration, Long remainingUnits, Integer activeLeases,
                         List<Condition> conditions) {
    }
}
