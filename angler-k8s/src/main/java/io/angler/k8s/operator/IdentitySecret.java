package io.angler.k8s.operator;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.files.AtomicFiles;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator node's TLS identity (key pair and certificate; its fingerprint is who the provider
 * is to requesters, and leases are renewed and released with it pinned) kept in a Secret of the
 * operator's namespace, so that it survives the pod: the node's data directory is an emptyDir.
 *
 * <p>A Secret rather than a PersistentVolumeClaim: it is two small files that must follow the pod
 * to any node and zone, which a Secret does on every cluster, with no storage class and no volume
 * to attach; it sits with the PoolLeases in the API server (etcd, encrypted at rest where the
 * cluster is set up so); and the operator needs only {@code get} on this one Secret and
 * {@code create} in its own namespace. Everything else the node keeps on disk is either in
 * PoolLeases (the leases) or may be lost with the pod (won allocations waiting for their claim,
 * the DHT routing table).
 */
public final class IdentitySecret {
    public static final String DEFAULT_NAME = "angler-operator-identity";
    private static final Logger LOG = LoggerFactory.getLogger(IdentitySecret.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    public IdentitySecret(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    public String describe() {
        return "Secret " + namespace + "/" + name;
    }

    /**
     * Makes {@code dataDir} hold the identity of the Secret. On the first start (no Secret yet) the
     * identity of the data directory (made now if there is none) is stored in a new Secret; if
     * another operator stored one meanwhile, that one wins.
     *
     * @return the identity's fingerprint
     * @throws IllegalStateException if the Secret does not hold a valid identity (the message says
     *     what to do)
     */
    public String restoreInto(Path dataDir) {
        var resource = client.secrets().inNamespace(namespace).withName(name);
        Secret secret = resource.get();
        if (secret == null) {
            TlsIdentity local = TlsIdentity.loadOrCreate(dataDir);
            try {
                client.secrets().inNamespace(namespace).resource(toSecret(dataDir)).create();
                LOG.info("stored the node's identity {} in {}", local.fingerprint(), describe());
                return local.fingerprint();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                secret = resource.get(); // made by another operator meanwhile: use that one
                if (secret == null) {
                    throw new IllegalStateException(describe() + " was created and deleted while this operator started;"
                            + " start it again");
                }
            }
        }
        write(secret, dataDir);
        try {
            TlsIdentity identity = TlsIdentity.loadOrCreate(dataDir);
            LOG.info("node identity {} restored from {}", identity.fingerprint(), describe());
            return identity.fingerprint();
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe() + " does not hold a valid identity (" + e.getMessage()
                    + "); restore it from a backup, or delete it to make a new identity (requesters holding leases"
                    + " then can no longer renew or release them)", e);
        }
    }

    private Secret toSecret(Path dataDir) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "angler").endMetadata()
                .withType("Opaque")
                .addToData(TlsIdentity.KEY_FILE, encode(dataDir.resolve(TlsIdentity.KEY_FILE)))
                .addToData(TlsIdentity.CERT_FILE, encode(dataDir.resolve(TlsIdentity.CERT_FILE)))
                .build();
    }

    private static String encode(Path file) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(Secret secret, Path dataDir) {
        Map<String, String> data = secret.getData();
        for (String file : new String[] {TlsIdentity.KEY_FILE, TlsIdentity.CERT_FILE}) {
            String value = data == null ? null : data.get(file);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(describe() + " has no " + file + "; restore it from a backup, or delete"
                        + " the Secret to make a new identity (requesters holding leases then can no longer renew or"
                        + " release them)");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(describe() + ": " + file + " is not base64", e);
            }
            AtomicFiles.write(dataDir.resolve(file), bytes); // owner-only, like the node's own files
        }
    }
}
