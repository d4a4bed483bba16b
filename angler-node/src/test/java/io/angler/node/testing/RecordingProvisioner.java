package io.angler.node.testing;

import io.angler.node.lease.Lease;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.Provisioned;
import io.angler.node.provision.Provisioner;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** Remembers which namespaces exist; can be told to fail, to test the error paths. */
public class RecordingProvisioner implements Provisioner {
    public final Set<String> namespaces = Collections.synchronizedSet(new HashSet<>());
    public volatile boolean failProvision;
    public volatile boolean failDeprovision;
    /** The lease as it was last provisioned (a renewal provisions the extended lease). */
    public volatile Lease lastProvisioned;

    @Override
    public Provisioned provision(Lease lease, CredentialRequest credentials) {
        if (failProvision) {
            throw new IllegalStateException("cluster unreachable");
        }
        namespaces.add(lease.namespace());
        lastProvisioned = lease;
        return new Provisioned(lease.namespace(), "kubeconfig for " + lease.namespace() + " until " + lease.expiresAt(),
                "memory");
    }

    @Override
    public void deprovision(Lease lease) {
        if (failDeprovision) {
            throw new IllegalStateException("cluster unreachable");
        }
        namespaces.remove(lease.namespace());
    }
}
