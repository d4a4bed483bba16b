package io.angler.node.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.FrameCodec;
import io.angler.node.protocol.Message;
import io.angler.node.protocol.ProtocolException;
import io.angler.node.provider.Peer;
import io.angler.node.provision.CredentialRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {
    static final TlsIdentity PROVIDER = TlsIdentity.ephemeral("provider");
    static final TlsIdentity REQUESTER = TlsIdentity.ephemeral("requester");
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    final AtomicReference<Peer> lastPeer = new AtomicReference<>();
    final List<AutoCloseable> toClose = new ArrayList<>();

    /** Answers probes honestly and echoes a renewal; everything else is unexpected. */
    Message honest(Peer peer, Message m) {
        lastPeer.set(peer);
        if (m instanceof Message.Probe p) {
            return new Message.ProbeReply(p.nonce(), PROVIDER.fingerprint(), 7401, "test");
        }
        if (m instanceof Message.Renew r) {
            return new Message.RenewReply(r.leaseId(), 1_900_000_000_000L, "kubeconfig");
        }
        return new Message.Error(ErrorCode.UNEXPECTED, "not here");
    }

    ControlServer server(ControlHandler handler, ControlServer.Limits limits) {
        ControlServer s = ControlServer.start(PROVIDER, ANY_LOOPBACK, handler, limits);
        toClose.add(s);
        return s;
    }

    ControlServer server() {
        return server(this::honest, ControlServer.Limits.DEFAULT);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void probeLearnsTheIdentityBothWaysAndMeasuresTheRoundTrip() throws Exception {
        ControlServer s = server();
        try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
            ControlClient.ProbeResult r = c.probe(3);
            assertThat(r.fingerprint()).isEqualTo(PROVIDER.fingerprint());
            assertThat(r.mpcPort()).isEqualTo(7401);
            assertThat(r.rttMs()).isPositive().isLessThan(5000);
            assertThat(lastPeer.get().fingerprint()).as("the provider sees the requester's certificate")
                    .isEqualTo(REQUESTER.fingerprint());
            assertThat(c.renew("l1", Duration.ofHours(1), new CredentialRequest.ServiceAccountToken()).expiresAtEpochMs()).isEqualTo(1_900_000_000_000L);
            assertThat(catchThrowableOfType(ProtocolException.class, () -> c.release("l1")))
                    .hasMessageContaining("not here").extracting(ProtocolException::code).isEqualTo(ErrorCode.UNEXPECTED);
        }
        try (ControlClient pinned = ControlClient.connect(REQUESTER, s.address(), PROVIDER.fingerprint(), TIMEOUT)) {
            assertThat(pinned.probe(1).fingerprint()).isEqualTo(PROVIDER.fingerprint());
        }
    }

    @Test
    void aPinnedConnectionRefusesAnyOtherCertificate() {
        ControlServer impostor = ControlServer.start(TlsIdentity.ephemeral("impostor"), ANY_LOOPBACK, this::honest,
                ControlServer.Limits.DEFAULT);
        toClose.add(impostor);
        assertThatThrownBy(() -> ControlClient.connect(REQUESTER, impostor.address(), PROVIDER.fingerprint(), TIMEOUT))
                .isInstanceOf(IOException.class).hasMessageContaining("provider at");
    }

    @Test
    void aProbeReplyClaimingAnotherIdentityIsCaught() throws Exception {
        ControlServer s = server((peer, m) -> new Message.ProbeReply(((Message.Probe) m).nonce(), "0".repeat(64), 1, "liar"),
                ControlServer.Limits.DEFAULT);
        try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
            assertThatThrownBy(() -> c.probe(1)).hasMessageContaining("claims fingerprint 0000")
                    .hasMessageContaining("but presented " + PROVIDER.fingerprint());
        }
    }

    SSLSocket rawTls(ControlServer s) throws IOException {
        SSLSocket socket = (SSLSocket) REQUESTER.anyPeerContext().getSocketFactory()
                .createSocket(s.address().getAddress(), s.address().getPort());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        socket.startHandshake();
        return socket;
    }

    /** A version-1 requester (renewals without credentials) is told, in version 1, why it is refused. */
    @Test
    void anOlderRequesterReadsWhyItIsRefused() throws Exception {
        ControlServer s = server();
        try (SSLSocket socket = rawTls(s)) {
            byte[] probe = FrameCodec.encode(new Message.Probe(7));
            probe[0] = 1;
            socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(probe.length).array());
            socket.getOutputStream().write(probe);
            socket.getOutputStream().flush();
            byte[] header = socket.getInputStream().readNBytes(4);
            byte[] body = socket.getInputStream().readNBytes(ByteBuffer.wrap(header).getInt());
            assertThat(body[0]).as("answered in version 1").isEqualTo((byte) 1);
            assertThat(body[1]).as("with an Error").isEqualTo((byte) 12);
            String text = new String(body, StandardCharsets.UTF_8);
            assertThat(text).contains("protocol version 1 is not supported; this node speaks version 2");
            assertThat(socket.getInputStream().read()).as("then the connection is closed").isEqualTo(-1);
        }
    }

    @Test
    void badFramesGetAnErrorAndTheServerCarriesOn() throws Exception {
        ControlServer s = server();
        try (SSLSocket socket = rawTls(s)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // A frame whose field is invalid but whose framing is intact: error, connection kept.
            byte[] renew = FrameCodec.encode(new Message.Renew("l1", 60, new CredentialRequest.ServiceAccountToken()));
            renew[4] = 'L'; // lease id with an upper-case letter
            out.write(ByteBuffer.allocate(4).putInt(renew.length).array());
            out.write(renew);
            out.flush();
            Message reply = FrameCodec.read(in);
            assertThat(reply).isInstanceOfSatisfying(Message.Error.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                assertThat(e.message()).contains("Renew.leaseId");
            });
            FrameCodec.write(out, new Message.Probe(5));
            assertThat(FrameCodec.read(in)).isInstanceOf(Message.ProbeReply.class);
            // An oversized frame: error, then the connection is closed.
            out.write(ByteBuffer.allocate(4).putInt(1 << 30).array());
            out.flush();
            assertThat(FrameCodec.read(in)).isInstanceOfSatisfying(Message.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Socket plain = new Socket(s.address().getAddress(), s.address().getPort())) {
            plain.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.setSoTimeout(10_000);
            while (plain.getInputStream().read() >= 0) {
                // drain until the server hangs up
            }
        } catch (IOException expected) {
            // reset by the server: fine
        }
        try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
            assertThat(c.probe(1).fingerprint()).isEqualTo(PROVIDER.fingerprint());
        }
    }

    @Test
    void fuzzedFramesOverTlsNeverTakeTheServerDown() throws Exception {
        ControlServer s = server();
        Random rnd = new Random(9);
        byte[] seed = FrameCodec.encode(new Message.Renew("l1", 60, new CredentialRequest.ServiceAccountToken()));
        for (int i = 0; i < 30; i++) {
            try (SSLSocket socket = rawTls(s)) {
                byte[] body = rnd.nextBoolean() ? new byte[rnd.nextInt(64)] : seed.clone();
                if (body == seed || body.length == seed.length) {
                    body[rnd.nextInt(body.length)] ^= (byte) (1 << rnd.nextInt(8));
                } else {
                    rnd.nextBytes(body);
                }
                // Honest lengths, or lies the server can see at once (negative, or beyond the cap).
                int length = rnd.nextInt(10) == 0 ? FrameCodec.MAX_FRAME + 1 + rnd.nextInt(1 << 20) | (rnd.nextBoolean() ? 1 << 31 : 0)
                        : body.length;
                socket.getOutputStream().write(ByteBuffer.allocate(4).putInt(length).array());
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                Message reply = FrameCodec.read(socket.getInputStream());
                assertThat(reply).isInstanceOfAny(Message.Error.class, Message.RenewReply.class);
            }
        }
        try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
            assertThat(c.probe(1).fingerprint()).isEqualTo(PROVIDER.fingerprint());
        }
    }

    @Test
    void connectionsAreBoundedPerServerAndPerAddress() throws Exception {
        ControlServer s = server(this::honest, new ControlServer.Limits(2, 2, Duration.ofSeconds(5), Duration.ofSeconds(30)));
        ControlClient a = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT);
        ControlClient b = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT);
        try {
            assertThatThrownBy(() -> {
                try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
                    c.probe(1);
                }
            }).isInstanceOf(IOException.class);
            assertThat(s.refusedConnections()).isPositive();
            assertThat(a.probe(1).fingerprint()).isEqualTo(PROVIDER.fingerprint());
        } finally {
            a.close();
            b.close();
        }
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (ControlClient c = ControlClient.connect(REQUESTER, s.address(), null, TIMEOUT)) {
                assertThat(c.probe(1).fingerprint()).isEqualTo(PROVIDER.fingerprint());
                break;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(20); // the server notices the closed connections asynchronously
            }
        }
    }
}
