package io.angler.k8s.lease;

import io.angler.core.unit.ResourceUnit;
import io.angler.k8s.crd.PoolLease;
import io.angler.node.lease.Lease;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/** Converts between the node's {@link Lease} and the {@link PoolLease} resource that stores it. */
public final class PoolLeases {

    private PoolLeases() {
    }

    public static PoolLease toResource(Lease lease, String namespace) {
        PoolLease pl = new PoolLease();
        pl.setMetadata(new ObjectMetaBuilder().withName(lease.id()).withNamespace(namespace)
                .addToLabels("angler.io/offer", lease.offer())
                .addToFinalizers(PoolLeaseStore.FINALIZER)
                .build());
        Map<String, String> unit = new TreeMap<>(lease.unit().times(1));
        pl.setSpec(new PoolLease.Spec(lease.offer(), lease.requester(), unit, lease.units(), lease.price(),
                lease.namespace(), lease.createdAt().toString(), lease.expiresAt().toString()));
        return pl;
    }

    /** @throws IllegalArgumentException naming the field that cannot be read */
    public static Lease fromResource(PoolLease pl) {
        PoolLease.Spec s = pl.getSpec();
        String id = pl.getMetadata().getName();
        if (s == null) {
            throw new IllegalArgumentException("poollease " + id + ": spec is missing");
        }
        require(id, "spec.offer", s.offer());
        require(id, "spec.requester", s.requester());
        require(id, "spec.unit", s.unit());
        require(id, "spec.units", s.units());
        require(id, "spec.price", s.price());
        ResourceUnit unit;
        try {
            unit = ResourceUnit.of(s.unit());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("poollease " + id + ": spec.unit: " + e.getMessage(), e);
        }
        return new Lease(id, s.offer(), s.requester(), unit, s.units(), s.price(), s.namespace(),
                time(id, "spec.createdAt", s.createdAt()), time(id, "spec.expiresAt", s.expiresAt()));
    }

    private static void require(String id, String field, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("poollease " + id + ": " + field + " is missing");
        }
    }

    private static Instant time(String id, String field, String text) {
        require(id, field, text);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("poollease " + id + ": " + field + " '" + text
                    + "' is not an RFC 3339 time (example: 2030-01-01T00:00:00Z)");
        }
    }
}
