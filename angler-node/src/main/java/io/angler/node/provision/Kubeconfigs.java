package io.angler.node.provision;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the kubeconfig a requester receives for its namespace: one cluster, one user, one context
 * with the namespace set. Shared by both provisioners.
 */
public final class Kubeconfigs {
    private Kubeconfigs() {
    }

    /**
     * A kubeconfig.
     *
     * @param name names the cluster, user and context (the namespace is a good choice)
     * @param server the API server URL
     * @param caPem the cluster's CA certificate (PEM), or null to rely on the system trust store
     * @param namespace the leased namespace
     * @param user credentials of the user entry: a token, a client certificate, or none
     * @param header comment lines written at the top (e.g. why there is no credential); may be empty
     */
    public static String build(String name, String server, String caPem, String namespace, UserCredential user,
                               List<String> header) {
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("server", server);
        if (caPem != null) {
            cluster.put("certificate-authority-data", base64(caPem));
        }
        Map<String, Object> userEntry = new LinkedHashMap<>();
        if (user instanceof UserCredential.Token t) {
            userEntry.put("token", t.token());
        } else if (user instanceof UserCredential.ClientCertificate c) {
            userEntry.put("client-certificate-data", base64(c.certificatePem()));
            // The private key never left the requester: it adds client-key (or client-key-data) itself.
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", "v1");
        root.put("kind", "Config");
        root.put("clusters", List.of(NamespaceManifests.map("name", name, "cluster", cluster)));
        root.put("users", List.of(NamespaceManifests.map("name", name, "user", userEntry)));
        root.put("contexts", List.of(NamespaceManifests.map("name", name, "context",
                NamespaceManifests.map("cluster", name, "user", name, "namespace", namespace))));
        root.put("current-context", name);
        StringBuilder sb = new StringBuilder();
        for (String line : header) {
            sb.append("# ").append(line).append('\n');
        }
        return sb.append(Yaml.write(root)).toString();
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** The credential in a kubeconfig's user entry. */
    public sealed interface UserCredential {
        record Token(String token) implements UserCredential {
        }

        record ClientCertificate(String certificatePem) implements UserCredential {
        }

        /** No credential: only for the manifest provisioner, which contacts no cluster. */
        record None() implements UserCredential {
        }
    }
}
