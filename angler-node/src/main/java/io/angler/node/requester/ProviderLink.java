package io.angler.node.requester;

import io.angler.dht.Candidate;
import io.angler.mpc.net.TlsIdentity;
import io.angler.node.control.ControlClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The requester's control connection to one candidate provider. The probe's connection accepts any
 * certificate and records the provider's fingerprint; the connection stays open for the set-up, the
 * abort and the claim, which therefore go to the same authenticated provider, and any later
 * connection pins that fingerprint. A connection idle for a while is replaced (the provider closes
 * idle ones) rather than risk a request on a connection about to be closed.
 */
final class ProviderLink implements AutoCloseable {
    /** Replace a connection idle this long; the provider's idle timeout is 60 s. */
    static final Duration MAX_IDLE = Duration.ofSeconds(20);

    /** A step over the control connection. */
    @FunctionalInterface
    interface Step<T> {
        T run(ControlClient client) throws IOException;
    }

    private final Candidate candidate;
    private final TlsIdentity identity;
    private final Duration timeout;
    private ControlClient client;
    private long lastUsed;
    private ControlClient.ProbeResult probe;
    private InetAddress localAddress;

    ProviderLink(Candidate candidate, TlsIdentity identity, Duration timeout) {
        this.candidate = candidate;
        this.identity = identity;
        this.timeout = timeout;
    }

    Candidate candidate() {
        return candidate;
    }

    InetSocketAddress endpoint() {
        return candidate.endpoint();
    }

    /** Connects (any certificate) and probes; learns identity, MPC port and RTT. Nothing else. */
    synchronized ControlClient.ProbeResult probe(int rounds) throws IOException {
        closeClient();
        client = ControlClient.connect(identity, candidate.endpoint(), null, timeout);
        localAddress = client.localAddress();
        probe = client.probe(rounds);
        lastUsed = System.nanoTime();
        return probe;
    }

    ControlClient.ProbeResult probed() {
        return probe;
    }

    String fingerprint() {
        return probe.fingerprint();
    }

    /** The local address the probe left from (how this host is reached from the provider's side). */
    InetAddress localAddress() {
        return localAddress;
    }

    /** Runs {@code step} over the connection, reconnecting (pinned) if it was closed or idle too long. */
    synchronized <T> T call(Step<T> step) throws IOException {
        if (probe == null) {
            throw new IllegalStateException("provider " + candidate.endpoint() + " was not probed");
        }
        if (client == null || client.isClosed() || System.nanoTime() - lastUsed > MAX_IDLE.toNanos()) {
            closeClient();
            client = ControlClient.connect(identity, candidate.endpoint(), probe.fingerprint(), timeout);
        }
        try {
            T result = step.run(client);
            lastUsed = System.nanoTime();
            return result;
        } catch (IOException | RuntimeException e) {
            closeClient(); // the stream may be out of step now
            throw e;
        }
    }

    /** Closes the connection; a later {@link #call} opens a pinned one. */
    synchronized void disconnect() {
        closeClient();
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        closeClient();
    }
}
