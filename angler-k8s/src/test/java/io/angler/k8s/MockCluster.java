package io.angler.k8s;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The parts of a real API server that the fabric8 mock lacks, played by the test: the TokenRequest
 * endpoint, the CSR approval subresource, and the kube-apiserver-client signer.
 */
public final class MockCluster {
    private MockCluster() {
    }

    /** Answers TokenRequests for the lease ServiceAccount of {@code namespace} with {@code token}. */
    public static void expectToken(KubernetesMockServer server, String namespace, String token) {
        TokenRequest response = new TokenRequestBuilder().withNewStatus().withToken(token)
                .withExpirationTimestamp("2030-01-01T02:00:00Z").endStatus().build();
        server.expect().post().withPath("/api/v1/namespaces/" + namespace + "/serviceaccounts/angler-tenant/token")
                .andReturn(201, response).always();
    }

    /**
     * Answers TokenRequests for the lease ServiceAccount of {@code namespace} as the API server does:
     * a JWT whose {@code exp} is the clock's now plus the request's expirationSeconds (unsigned: the
     * mock checks nothing). {@link #tokenExpiry} reads it back.
     */
    public static void issueTokens(KubernetesMockServer server, String namespace, Clock clock) {
        server.expect().post().withPath("/api/v1/namespaces/" + namespace + "/serviceaccounts/angler-tenant/token")
                .andReply(201, request -> {
                    TokenRequest sent = Serialization.unmarshal(request.getUtf8Body(), TokenRequest.class);
                    Instant exp = clock.instant().plusSeconds(sent.getSpec().getExpirationSeconds());
                    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
                    String token = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                            + b64.encodeToString(("{\"sub\":\"system:serviceaccount:" + namespace + ":angler-tenant\",\"exp\":"
                            + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8)) + ".";
                    return new TokenRequestBuilder(sent).withNewStatus().withToken(token)
                            .withExpirationTimestamp(exp.toString()).endStatus().build();
                }).always();
    }

    /** The {@code exp} of a token {@link #issueTokens} issued. */
    public static Instant tokenExpiry(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return Instant.ofEpochSecond(Serialization.unmarshal(payload, java.util.Map.class).get("exp") instanceof Number n
                ? n.longValue() : -1);
    }

    /**
     * Serves PUT .../certificatesigningrequests/NAME/approval: the mock's CRUD store has no approval
     * subresource, so the conditions the client sent are written through the status subresource (on
     * another thread: the mock must answer this request first) and the request is echoed back.
     */
    public static void emulateApproval(KubernetesMockServer server, KubernetesClient client, String csrName) {
        server.expect().put().withPath("/apis/certificates.k8s.io/v1/certificatesigningrequests/" + csrName + "/approval")
                .andReply(200, request -> {
                    CertificateSigningRequest sent = Serialization.unmarshal(request.getUtf8Body(),
                            CertificateSigningRequest.class);
                    Thread writer = new Thread(() -> client.certificates().v1().certificateSigningRequests()
                            .withName(csrName).editStatus(c -> {
                                c.setStatus(sent.getStatus());
                                return c;
                            }), "approval-" + csrName);
                    writer.setDaemon(true);
                    writer.start();
                    return sent;
                }).always();
    }

    /**
     * Plays the cluster's signer: once a request is approved it sets status.certificate (a
     * certificate for the request's subject and key from a test CA, valid for the request's
     * expirationSeconds from now, one hour if it asks for none), or with {@code issue} false a
     * Failed condition.
     */
    public static Watch playSigner(KubernetesClient client, boolean issue) {
        return client.certificates().v1().certificateSigningRequests().watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, CertificateSigningRequest csr) {
                if (action == Action.DELETED || csr.getStatus() == null || csr.getStatus().getConditions() == null
                        || csr.getStatus().getCertificate() != null) {
                    return;
                }
                boolean approved = csr.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Approved") && c.getStatus().equals("True"));
                boolean decided = csr.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Denied") || c.getType().equals("Failed"));
                if (!approved || decided) {
                    return;
                }
                try {
                    String pem = new String(Base64.getDecoder().decode(csr.getSpec().getRequest()),
                            StandardCharsets.US_ASCII);
                    PKCS10CertificationRequest req;
                    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
                        req = (PKCS10CertificationRequest) parser.readObject();
                    }
                    Integer seconds = csr.getSpec().getExpirationSeconds();
                    String cert = Csrs.sign(req, java.time.Duration.ofSeconds(seconds == null ? 3600 : seconds));
                    client.certificates().v1().certificateSigningRequests().withName(csr.getMetadata().getName())
                            .editStatus(c -> {
                                if (issue) {
                                    c.getStatus().setCertificate(Base64.getEncoder()
                                            .encodeToString(cert.getBytes(StandardCharsets.US_ASCII)));
                                } else {
                                    c.getStatus().getConditions().add(new CertificateSigningRequestConditionBuilder()
                                            .withType("Failed").withStatus("True").withReason("SignerRefused")
                                            .withMessage("test signer refuses").build());
                                }
                                return c;
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }
}
