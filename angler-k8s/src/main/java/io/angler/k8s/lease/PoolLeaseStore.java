package io.angler.k8s.lease;

import io.angler.k8s.crd.PoolLease;
import io.angler.node.lease.Lease;
import io.angler.node.lease.LeaseStore;
import io.angler.node.lease.LedgerException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases kept as PoolLease resources in one namespace (the operator's). The API server is the
 * durable store: a lease is on etcd when {@link #put} returns, and the ledger is rebuilt from
 * {@link #all()} after a restart.
 *
 * <p>Each PoolLease carries {@link #FINALIZER}: deleting one by hand ({@code kubectl delete
 * poollease}) releases the lease, because the operator deprovisions it before the object goes.
 * {@link #remove} is what the provider runtime calls after it has released a lease itself, so it
 * takes the finalizer off first.
 *
 * <p>The runtime's lease keeper and the operator may end the same lease at about the same time
 * (at its expiry, or on a release): {@link #remove} of a PoolLease the operator is already deleting
 * leaves it to the operator's finalizer, and {@link #put} refuses to bring such a lease back (a
 * renewal racing its end fails as "not found").
 */
public final class PoolLeaseStore implements LeaseStore {
    public static final String FINALIZER = "angler.io/lease-cleanup";
    private static final Logger LOG = LoggerFactory.getLogger(PoolLeaseStore.class);

    private final KubernetesClient client;
    private final String namespace;

    public PoolLeaseStore(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void put(Lease lease) {
        PoolLease wanted = PoolLeases.toResource(lease, namespace);
        var resource = client.resources(PoolLease.class).inNamespace(namespace).withName(lease.id());
        PoolLease existing = resource.get();
        if (existing != null && existing.getMetadata().getDeletionTimestamp() != null) {
            throw new LedgerException(LedgerException.Kind.NOT_FOUND, "lease " + lease.id() + " has ended");
        }
        if (existing == null) {
            try {
                client.resources(PoolLease.class).inNamespace(namespace).resource(wanted).create();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // created meanwhile: fall through and set the spec
            }
        }
        // Keep the status and whatever finalizers are there; only the spec is the lease.
        resource.edit(pl -> {
            pl.setSpec(wanted.getSpec());
            if (!pl.getMetadata().getFinalizers().contains(FINALIZER)) {
                pl.getMetadata().getFinalizers().add(FINALIZER);
            }
            return pl;
        });
    }

    @Override
    public void remove(String leaseId) {
        var resource = client.resources(PoolLease.class).inNamespace(namespace).withName(leaseId);
        for (int attempt = 1; ; attempt++) {
            PoolLease existing = resource.get();
            if (existing == null || existing.getMetadata().getDeletionTimestamp() != null) {
                return; // gone, or being deleted by the operator, whose finalizer ends it the same way
            }
            try {
                int at = existing.getMetadata().getFinalizers().indexOf(FINALIZER);
                if (at >= 0) {
                    // A test-and-remove patch: it fails, rather than removing another finalizer, if
                    // the list changed since it was read.
                    String path = "/metadata/finalizers/" + at;
                    resource.patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"test\",\"path\":\"" + path
                            + "\",\"value\":\"" + FINALIZER + "\"},{\"op\":\"remove\",\"path\":\"" + path + "\"}]");
                }
                resource.delete();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if ((e.getCode() == 409 || e.getCode() == 422) && attempt < 5) {
                    LOG.debug("lease {}: its PoolLease changed while it was removed; trying again", leaseId);
                    continue;
                }
                throw e;
            }
        }
    }

    /** Every lease whose resource can be read; unreadable ones are logged and left out. */
    @Override
    public List<Lease> all() {
        List<Lease> out = new ArrayList<>();
        for (PoolLease pl : client.resources(PoolLease.class).inNamespace(namespace).list().getItems()) {
            try {
                out.add(PoolLeases.fromResource(pl));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring an unreadable lease: {}", e.getMessage());
            }
        }
        return out;
    }
}
