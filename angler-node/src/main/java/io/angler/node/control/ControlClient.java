package io.angler.node.control;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.FrameCodec;
import io.angler.node.protocol.Message;
import io.angler.node.protocol.ProtocolException;
import io.angler.node.provision.CredentialRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A requester's connection to one provider's control endpoint. The first contact (the probe) may
 * accept any certificate and learns the provider's fingerprint; every later connection pins it, so
 * setup, claim, renewal and release all reach the same provider that was probed.
 */
public final class ControlClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String peerFingerprint;
    private final InetSocketAddress endpoint;

    private ControlClient(SSLSocket socket, InetSocketAddress endpoint) throws IOException {
        this.socket = socket;
        this.endpoint = endpoint;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.peerFingerprint = TlsIdentity.peerFingerprint(socket.getSession());
    }

    /**
     * Connects and completes the TLS handshake.
     *
     * @param pinned the provider's fingerprint, or null to accept any (first probe only)
     * @param timeout bounds the connection, the handshake and every reply
     * @throws IOException naming the endpoint if the connection or handshake fails (a pinned
     *     connection to a different certificate fails here)
     */
    public static ControlClient connect(TlsIdentity identity, InetSocketAddress endpoint, String pinned, Duration timeout)
            throws IOException {
        SSLContext ctx = pinned == null ? identity.anyPeerContext() : identity.pinnedContext(Set.of(pinned));
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket raw = new Socket();
        try {
            raw.connect(endpoint, ms);
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(ms);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, endpoint.getHostString(), endpoint.getPort(), true);
            s.setSoTimeout(ms);
            s.startHandshake();
            return new ControlClient(s, endpoint);
        } catch (IOException e) {
            raw.close();
            throw new IOException("provider at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** The local address this connection leaves from: how the provider's host reaches this one. */
    public java.net.InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Ends a session at the provider (before or after its result); see {@link Message.Abort}. */
    public void abort(String sessionId) throws IOException {
        Message reply = call(new Message.Abort(sessionId));
        if (!(reply instanceof Message.AbortReply r) || !r.sessionId().equals(sessionId)) {
            throw unexpected("AbortReply for session " + sessionId, reply);
        }
    }

    /** The fingerprint of the certificate the provider presented. */
    public String peerFingerprint() {
        return peerFingerprint;
    }

    /**
     * The result of a probe.
     *
     * @param fingerprint the provider's identity
     * @param mpcPort its MPC port
     * @param software its software version
     * @param rttMs the best round trip over the probes sent, ms
     */
    public record ProbeResult(String fingerprint, int mpcPort, String software, double rttMs) {
    }

    /**
     * Probes {@code rounds} times over this connection and keeps the fastest round trip: the
     * first one can include lazy work on either side.
     */
    public ProbeResult probe(int rounds) throws IOException {
        double best = Double.MAX_VALUE;
        Message.ProbeReply last = null;
        for (int i = 0; i < Math.max(1, rounds); i++) {
            long nonce = RANDOM.nextLong();
            long start = System.nanoTime();
            Message reply = call(new Message.Probe(nonce));
            double ms = (System.nanoTime() - start) / 1e6;
            if (!(reply instanceof Message.ProbeReply r) || r.nonce() != nonce) {
                throw unexpected("ProbeReply with the probe's nonce", reply);
            }
            if (!r.fingerprint().equals(peerFingerprint)) {
                throw new ProtocolException(ErrorCode.INVALID_FIELD, "provider at " + endpoint
                        + " claims fingerprint " + r.fingerprint() + " but presented " + peerFingerprint);
            }
            best = Math.min(best, ms);
            last = r;
        }
        return new ProbeResult(last.fingerprint(), last.mpcPort(), last.software(), best);
    }

    /** Sends a session setup; returns the acknowledgement, or throws with the provider's reason. */
    public Message.SetupAck setup(Message.SessionSetup setup) throws IOException {
        Message reply = call(setup);
        if (reply instanceof Message.SetupReject r) {
            throw new ProtocolException(r.code(), "provider at " + endpoint + " refused the session: " + r.reason());
        }
        if (!(reply instanceof Message.SetupAck a) || !a.sessionId().equals(setup.sessionId())) {
            throw unexpected("SetupAck for session " + setup.sessionId(), reply);
        }
        return a;
    }

    public Message.ClaimReply claim(String sessionId, Duration lease, CredentialRequest credentials) throws IOException {
        Message reply = call(new Message.Claim(sessionId, Math.max(1, lease.toSeconds()), credentials));
        if (!(reply instanceof Message.ClaimReply r)) {
            throw unexpected("ClaimReply", reply);
        }
        return r;
    }

    /** Renews a lease and asks for credentials that last until its new expiry. */
    public Message.RenewReply renew(String leaseId, Duration length, CredentialRequest credentials) throws IOException {
        Message reply = call(new Message.Renew(leaseId, Math.max(1, length.toSeconds()), credentials));
        if (!(reply instanceof Message.RenewReply r) || !r.leaseId().equals(leaseId)) {
            throw unexpected("RenewReply for lease " + leaseId, reply);
        }
        return r;
    }

    public void release(String leaseId) throws IOException {
        Message reply = call(new Message.Release(leaseId));
        if (!(reply instanceof Message.ReleaseReply r) || !r.leaseId().equals(leaseId)) {
            throw unexpected("ReleaseReply for lease " + leaseId, reply);
        }
    }

    /**
     * Sends one request and reads the reply; an {@link Message.Error} reply is thrown as a
     * {@link ProtocolException} carrying the provider's code and message.
     */
    public Message call(Message request) throws IOException {
        FrameCodec.write(out, request);
        Message reply;
        try {
            reply = FrameCodec.read(in);
        } catch (EOFException e) {
            throw new EOFException("provider at " + endpoint + " closed the connection");
        } catch (ProtocolException e) {
            throw new ProtocolException(e.code(), "provider at " + endpoint + " sent a bad reply: " + e.getMessage());
        }
        if (reply instanceof Message.Error err) {
            throw new ProtocolException(err.code(), "provider at " + endpoint + ": " + err.message());
        }
        return reply;
    }

    private ProtocolException unexpected(String expected, Message got) {
        return new ProtocolException(ErrorCode.UNEXPECTED, "provider at " + endpoint + " answered "
                + got.getClass().getSimpleName() + ", expected " + expected);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
