package io.angler.k8s.provision;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Where requesters reach the cluster: the API server URL and the CA that signed its certificate.
 * Inside a pod the client's own URL is an in-cluster address (kubernetes.default.svc) that no
 * requester can reach, so the operator takes the public URL as a setting.
 *
 * @param server API server URL as requesters reach it, e.g. {@code https://k8s.example.net:6443}
 * @param caPem the cluster CA certificate(s), PEM; empty when the server has a publicly trusted certificate
 */
public record ClusterEndpoint(String server, String caPem) {
    public ClusterEndpoint {
        if (server == null || !(server.startsWith("https://") || server.startsWith("http://"))) {
            throw new IllegalArgumentException("cluster endpoint: '" + server + "' is not an http(s) URL");
        }
        caPem = caPem == null ? "" : caPem;
    }

    /** The endpoint of a client configuration, with {@code publicServer} replacing its URL when given. */
    public static ClusterEndpoint of(Config config, String publicServer) {
        String server = publicServer != null && !publicServer.isBlank() ? publicServer : config.getMasterUrl();
        if (server.endsWith("/")) {
            server = server.substring(0, server.length() - 1);
        }
        String ca = "";
        if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
            ca = new String(Base64.getMimeDecoder().decode(config.getCaCertData()), StandardCharsets.US_ASCII);
        } else if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
            try {
                ca = Files.readString(Path.of(config.getCaCertFile()), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalArgumentException("cluster endpoint: cannot read the CA file "
                        + config.getCaCertFile() + ": " + e.getMessage(), e);
            }
        }
        return new ClusterEndpoint(server, ca);
    }
}
