package io.angler.k8s;

import io.angler.core.unit.ResourceUnit;
import io.angler.node.lease.Lease;
import java.time.Duration;
import java.time.Instant;

/** Leases for tests. */
public final class TestLeases {
    public static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    public static final String REQUESTER = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private TestLeases() {
    }

    public static Lease lease(String id, String offer, String unit, long units, Instant created, Duration length) {
        return new Lease(id, offer, REQUESTER, ResourceUnit.parse(unit), units, 120, "angler-" + id, created,
                created.plus(length));
    }

    public static Lease lease(String id) {
        return lease(id, "gpu-pool", "cpu=500m,memory=1Gi,nvidia.com/gpu=1", 3, NOW, Duration.ofHours(2));
    }
}
