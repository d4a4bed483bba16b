package io.angler.mpc.placement;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsIdentity;
import io.angler.mpc.net.TlsNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The parties of placements in this process as nodes would be: each with its own ephemeral TLS
 * identity and its own listener on a loopback port chosen by the OS, kept across sessions. Each
 * {@link #connect} makes a fresh session mesh, every pair on its own TLS 1.3 connection with the
 * peers' certificate fingerprints pinned (a later session to the same peer resumes its TLS
 * session, as between nodes).
 */
public final class LocalMesh implements AutoCloseable {
    private final TlsNetwork.Timeouts timeouts;
    private final List<MpcListener> listeners = new ArrayList<>();
    private final List<PartyEndpoint> endpoints = new ArrayList<>();

    /**
     * A connected session mesh.
     *
     * @param networks party p's network at index p
     * @param millis the wall time of the set-up, all parties connecting at once
     */
    public record Connected(List<Network> networks, double millis) {
    }

    public LocalMesh(int parties, TlsNetwork.Timeouts timeouts) {
        if (parties < 2 || parties > PlacementCircuit.MAX_PROVIDERS + 1) {
            throw new IllegalArgumentException("parties: " + parties + " is outside 2.." + (PlacementCircuit.MAX_PROVIDERS + 1));
        }
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        try {
            for (int p = 0; p < parties; p++) {
                TlsIdentity id = TlsIdentity.ephemeral(p == 0 ? "requester" : "provider " + p);
                MpcListener l = MpcListener.bind(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                listeners.add(l);
                endpoints.add(new PartyEndpoint(l.address(), id.fingerprint()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Timeouts for {@code parties} parties sharing this machine's cores: every party's handshakes
     * and computation compete for the same CPU, so the waits grow with the number of parties
     * (10 s + 1 s per party to connect, 30 s + 2 s per party for any one message).
     */
    public static TlsNetwork.Timeouts timeoutsFor(int parties) {
        return new TlsNetwork.Timeouts(Duration.ofSeconds(10 + parties), Duration.ofSeconds(30 + 2L * parties));
    }

    public int parties() {
        return listeners.size();
    }

    /** Connects a fresh session mesh among all parties at once. */
    public Connected connect() {
        byte[] id = new byte[12];
        new SecureRandom().nextBytes(id);
        String session = "place-" + HexFormat.of().formatHex(id);
        int n = parties();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "placement-connect");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        List<Future<TlsNetwork>> futures = new ArrayList<>();
        try {
            for (int p = 0; p < n; p++) {
                int self = p;
                futures.add(pool.submit(() -> TlsNetwork.connect(listeners.get(self), session, self, endpoints, timeouts)));
            }
            List<Network> nets = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<TlsNetwork> f : futures) {
                try {
                    nets.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new MpcAbortException("connect", -1, "mesh set-up failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            if (failure != null) {
                nets.forEach(Network::close);
                throw failure;
            }
            return new Connected(List.copyOf(nets), (System.nanoTime() - start) / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Future<TlsNetwork> f : futures) {
                if (!f.cancel(true)) {
                    closeQuietly(f);
                }
            }
            throw new MpcAbortException("interrupted", -1, "interrupted during the mesh set-up");
        } finally {
            pool.shutdown();
        }
    }

    /** Closes the network of a finished connection, if it made one. */
    private static void closeQuietly(Future<TlsNetwork> done) {
        try {
            done.get().close();
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            // it failed or cannot be read: nothing to close
        }
    }

    @Override
    public void close() {
        for (MpcListener l : listeners) {
            l.close();
        }
    }
}
