package io.angler.mpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {

    @Test
    void createsOnceThenLoadsTheSameIdentity(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("node");
        TlsIdentity created = TlsIdentity.loadOrCreate(data);
        Path key = data.resolve(TlsIdentity.KEY_FILE);
        Path cert = data.resolve(TlsIdentity.CERT_FILE);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        TlsIdentity loaded = TlsIdentity.loadOrCreate(data);
        assertThat(loaded.fingerprint()).isEqualTo(created.fingerprint());
        assertThat(loaded.privateKey().getEncoded()).isEqualTo(created.privateKey().getEncoded());
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(loaded.certificate().getEncoded()));
        assertThat(loaded.fingerprint()).isEqualTo(expected).matches("[0-9a-f]{64}");
        assertThat(loaded.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(TlsIdentity.ephemeral("x").fingerprint()).isNotEqualTo(loaded.fingerprint());
    }

    @Test
    void corruptOrMissingFilesGiveAnErrorNamingTheFileAndTheRemedy(@TempDir Path dir) throws Exception {
        TlsIdentity.loadOrCreate(dir);
        Path key = dir.resolve(TlsIdentity.KEY_FILE);
        Path cert = dir.resolve(TlsIdentity.CERT_FILE);
        String goodKey = Files.readString(key);
        String goodCert = Files.readString(cert);

        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(dir)).isInstanceOf(IdentityException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("delete");

        Files.writeString(key, goodCert); // a certificate where the key should be
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(dir)).isInstanceOf(IdentityException.class)
                .hasMessageContaining(key.toString()).hasMessageContaining("PKCS#8");

        Files.writeString(key, goodKey);
        Files.writeString(cert, "garbage");
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(dir)).isInstanceOf(IdentityException.class)
                .hasMessageContaining(cert.toString());

        Files.delete(cert);
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(dir)).isInstanceOf(IdentityException.class)
                .hasMessageContaining(cert.toString()).hasMessageContaining("missing");

        // a certificate of another identity
        Path other = dir.resolve("other");
        TlsIdentity.loadOrCreate(other);
        Files.copy(other.resolve(TlsIdentity.CERT_FILE), cert);
        assertThatThrownBy(() -> TlsIdentity.loadOrCreate(dir)).isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not belong");

        Files.writeString(cert, goodCert);
        assertThat(TlsIdentity.loadOrCreate(dir).fingerprint()).hasSize(64);
    }

    @Test
    void contextsRequireAClientCertificateAndAcceptOnlyPinnedPeers() throws Exception {
        TlsIdentity server = TlsIdentity.ephemeral("server");
        TlsIdentity client = TlsIdentity.ephemeral("client");
        TlsIdentity stranger = TlsIdentity.ephemeral("stranger");
        // any-peer server: a client with a certificate gets in and is identified by its fingerprint
        assertThat(serverSees(server.anyPeerContext(), client.pinnedContext(Set.of(server.fingerprint()))))
                .isEqualTo(client.fingerprint());
        // pinned server: a stranger is refused
        assertThatThrownBy(() -> serverSees(server.pinnedContext(Set.of(client.fingerprint())),
                stranger.pinnedContext(Set.of(server.fingerprint())))).isInstanceOf(ExecutionException.class);
        // pinned client: a server it did not pin is refused
        assertThatThrownBy(() -> serverSees(server.anyPeerContext(), client.pinnedContext(Set.of(stranger.fingerprint()))))
                .isInstanceOf(ExecutionException.class);
        // a client without any certificate is refused even by the any-peer context
        SSLContext noCert = SSLContext.getInstance("TLSv1.3");
        noCert.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        assertThatThrownBy(() -> serverSees(server.anyPeerContext(), noCert)).isInstanceOf(ExecutionException.class);
    }

    /** Runs one handshake between a server socket of {@code serverCtx} and a client of {@code clientCtx}. */
    private static String serverSees(SSLContext serverCtx, SSLContext clientCtx) throws Exception {
        try (SSLServerSocket ss = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    String f = TlsIdentity.peerFingerprint(s.getSession());
                    s.getOutputStream().write(1);
                    s.getOutputStream().flush();
                    return f;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket(ss.getInetAddress(), ss.getLocalPort())) {
                c.setSoTimeout(5000);
                c.startHandshake();
                c.getInputStream().read();
            } catch (IOException e) {
                // the server's verdict below is what counts
            }
            return seen.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fingerprintsAreNormalisedAndValidated() {
        String f = TlsIdentity.ephemeral("a").fingerprint();
        StringBuilder colons = new StringBuilder();
        for (int i = 0; i < f.length(); i += 2) {
            colons.append(i == 0 ? "" : ":").append(f, i, i + 2);
        }
        assertThat(TlsIdentity.normalizeFingerprint(colons.toString().toUpperCase())).isEqualTo(f);
        assertThatThrownBy(() -> TlsIdentity.normalizeFingerprint("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fingerprint");
    }
}
