package io.angler.k8s.provision;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes the kubeconfig a requester receives: one cluster, one user, one context on its namespace. */
public final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** A kubeconfig that authenticates with a bearer token. */
    public static String withToken(ClusterEndpoint cluster, String namespace, String token) {
        AuthInfo auth = new AuthInfo();
        auth.setToken(token);
        return yaml(cluster, namespace, auth);
    }

    /**
     * A kubeconfig with the issued client certificate and no private key: the key never left the
     * requester, which adds it as {@code client-key-data} (or {@code client-key}) itself.
     */
    public static String withCertificate(ClusterEndpoint cluster, String namespace, String certificatePem) {
        AuthInfo auth = new AuthInfo();
        auth.setClientCertificateData(base64(certificatePem));
        return yaml(cluster, namespace, auth);
    }

    private static String yaml(ClusterEndpoint cluster, String namespace, AuthInfo auth) {
        String name = "angler-" + namespace;
        ConfigBuilder b = new ConfigBuilder().withApiVersion("v1").withKind("Config")
                .addNewCluster().withName(name).withNewCluster().withServer(cluster.server())
                .withCertificateAuthorityData(cluster.caPem().isEmpty() ? null : base64(cluster.caPem()))
                .endCluster().endCluster()
                .addNewUser().withName(name).withUser(auth).endUser()
                .addNewContext().withName(name).withNewContext().withCluster(name).withUser(name)
                .withNamespace(namespace).endContext().endContext()
                .withCurrentContext(name);
        Config config = b.build();
        return Serialization.asYaml(config);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
