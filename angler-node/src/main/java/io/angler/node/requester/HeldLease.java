package io.angler.node.requester;

import io.angler.core.unit.ResourceUnit;
import io.angler.node.protocol.Message;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * A lease as the requester keeps it: which provider serves it (its control endpoint and the
 * fingerprint every renewal and release pins), what it grants, until when, and where its
 * kubeconfig is.
 *
 * @param leaseId the provider's lease id
 * @param sessionId the session it came from
 * @param providerHost the provider's control host
 * @param providerPort the provider's control port
 * @param providerFingerprint the provider's certificate fingerprint
 * @param namespace the namespace it grants
 * @param unit the resource unit
 * @param units how many units
 * @param price price per unit-hour, micro-units
 * @param createdAt when it was claimed
 * @param expiresAt when it ends unless renewed
 * @param kubeconfig the kubeconfig file written for it
 */
public record HeldLease(String leaseId, String sessionId, String providerHost, int providerPort,
                        String providerFingerprint, String namespace, ResourceUnit unit, long units, long price,
                        Instant createdAt, Instant expiresAt, String kubeconfig) {
    public HeldLease {
        if (leaseId == null || !Message.DNS_LABEL.matcher(leaseId).matches()) {
            throw new IllegalArgumentException("held lease: id '" + leaseId + "' is not a DNS label");
        }
        if (providerHost == null || providerPort < 1 || providerPort > 65535) {
            throw new IllegalArgumentException("held lease " + leaseId + ": provider address is missing or invalid");
        }
        if (providerFingerprint == null || !Message.HEX64.matcher(providerFingerprint).matches()) {
            throw new IllegalArgumentException("held lease " + leaseId + ": provider fingerprint is not 64 hex digits");
        }
        if (sessionId == null || namespace == null || unit == null || createdAt == null || expiresAt == null
                || kubeconfig == null) {
            throw new IllegalArgumentException("held lease " + leaseId + ": a field is missing");
        }
        if (units < 1 || price < 0) {
            throw new IllegalArgumentException("held lease " + leaseId + ": units " + units + ", price " + price);
        }
    }

    public InetSocketAddress providerEndpoint() {
        return new InetSocketAddress(providerHost, providerPort);
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public HeldLease withExpiry(Instant newExpiry) {
        return new HeldLease(leaseId, sessionId, providerHost, providerPort, providerFingerprint, namespace, unit, units,
                price, createdAt, newExpiry, kubeconfig);
    }
}
