package io.angler.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.net.TlsIdentity;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator node's identity survives its pod: a new pod, with an empty data directory, is the same node. */
@EnableKubernetesMockClient(crud = true)
class IdentitySecretTest {
    static final String NS = "angler-system";

    KubernetesClient client;
    @TempDir
    Path dir;
    IdentitySecret secret;

    @BeforeEach
    void setUp() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        secret = new IdentitySecret(client, NS, IdentitySecret.DEFAULT_NAME);
    }

    Secret stored() {
        return client.secrets().inNamespace(NS).withName(IdentitySecret.DEFAULT_NAME).get();
    }

    @Test
    void theFirstPodMakesTheIdentityAndEveryLaterPodGetsItBack() throws Exception {
        String first = secret.restoreInto(dir.resolve("pod-1"));
        assertThat(TlsIdentity.loadOrCreate(dir.resolve("pod-1")).fingerprint()).isEqualTo(first);
        Secret s = stored();
        assertThat(s.getData()).containsOnlyKeys(TlsIdentity.KEY_FILE, TlsIdentity.CERT_FILE);
        assertThat(new String(Base64.getDecoder().decode(s.getData().get(TlsIdentity.KEY_FILE))))
                .isEqualTo(Files.readString(dir.resolve("pod-1").resolve(TlsIdentity.KEY_FILE)));

        Path fresh = dir.resolve("pod-2");
        assertThat(secret.restoreInto(fresh)).isEqualTo(first);
        assertThat(TlsIdentity.loadOrCreate(fresh).fingerprint()).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve(TlsIdentity.KEY_FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void anIdentityAlreadyInTheDataDirectoryIsTheOneStoredAndTheSecretWinsAfterwards() {
        Path local = dir.resolve("local");
        String existing = TlsIdentity.loadOrCreate(local).fingerprint();
        assertThat(secret.restoreInto(local)).as("kept, and stored").isEqualTo(existing);

        Path other = dir.resolve("other");
        TlsIdentity.loadOrCreate(other);
        assertThat(secret.restoreInto(other)).as("a stale local identity is replaced by the Secret's")
                .isEqualTo(existing);
    }

    @Test
    void aBrokenSecretIsNamedWithWhatToDo() {
        secret.restoreInto(dir.resolve("pod-1"));
        client.secrets().inNamespace(NS).withName(IdentitySecret.DEFAULT_NAME).edit(s -> {
            s.getData().remove(TlsIdentity.CERT_FILE);
            return s;
        });
        assertThatThrownBy(() -> secret.restoreInto(dir.resolve("pod-2")))
                .hasMessageContaining("Secret angler-system/angler-operator-identity has no identity.crt")
                .hasMessageContaining("delete the Secret to make a new identity");

        client.secrets().inNamespace(NS).withName(IdentitySecret.DEFAULT_NAME).edit(s -> {
            s.getData().put(TlsIdentity.CERT_FILE, Base64.getEncoder().encodeToString("not a certificate".getBytes()));
            return s;
        });
        assertThatThrownBy(() -> secret.restoreInto(dir.resolve("pod-3")))
                .hasMessageContaining("Secret angler-system/angler-operator-identity does not hold a valid identity");
    }
}
