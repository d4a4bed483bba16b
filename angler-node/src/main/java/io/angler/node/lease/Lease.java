package io.angler.node.lease;

import io.angler.core.unit.ResourceUnit;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One allocation a provider serves: units of an offer for a requester until an expiry. Leases are
 * what the provider's ledger is rebuilt from after a restart, so a lease carries everything needed
 * to account for its units and to clean up its namespace.
 *
 * @param id stable identifier, a DNS label (also used in the namespace name and the PoolLease name)
 * @param offer name of the offer the units come from
 * @param requester the requester's identity: the SHA-256 fingerprint of its TLS certificate
 * @param unit the resource unit of the offer
 * @param units number of units
 * @param price price per unit-hour agreed in the session, in micro-units
 * @param namespace the Kubernetes namespace provisioned for it
 * @param createdAt when it was granted
 * @param expiresAt when it ends unless renewed
 */
public record Lease(String id, String offer, String requester, ResourceUnit unit, long units, long price,
                    String namespace, Instant createdAt, Instant expiresAt) {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public Lease {
        if (id == null || !DNS_LABEL.matcher(id).matches()) {
            throw new IllegalArgumentException("lease: id '" + id + "' is not a DNS label");
        }
        if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
            throw new IllegalArgumentException("lease " + id + ": namespace '" + namespace + "' is not a DNS label");
        }
        if (offer == null || requester == null || unit == null || createdAt == null || expiresAt == null) {
            throw new IllegalArgumentException("lease " + id + ": offer, requester, unit and times are required");
        }
        if (units < 1) {
            throw new IllegalArgumentException("lease " + id + ": units " + units + " must be at least 1");
        }
        if (price < 0) {
            throw new IllegalArgumentException("lease " + id + ": price " + price + " is negative");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("lease " + id + ": expires at " + expiresAt + ", not after " + createdAt);
        }
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public Lease withExpiry(Instant newExpiry) {
        return new Lease(id, offer, requester, unit, units, price, namespace, createdAt, newExpiry);
    }
}
