package io.angler.node.mpc;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.node.protocol.Message;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a session's connections are made of, shared by the placement runners: the parties'
 * endpoints from the set-up, ids for the listener, and bounds that end at the session's deadline.
 */
public final class SessionLinks {
    private SessionLinks() {
    }

    /** Party {@code index}'s address and pinned fingerprint; a host that does not resolve aborts the session. */
    public static PartyEndpoint endpoint(Message.SessionSetup setup, int index) {
        Message.Party p = setup.parties().get(index);
        InetSocketAddress a = new InetSocketAddress(p.host(), p.port());
        if (a.isUnresolved()) {
            throw new MpcAbortException("connect", index, "party " + index + "'s host " + p.host() + " does not resolve");
        }
        return new PartyEndpoint(a, p.fingerprint());
    }

    /** Every party's endpoint, in session order. */
    public static List<PartyEndpoint> endpoints(Message.SessionSetup setup) {
        List<PartyEndpoint> out = new ArrayList<>();
        for (int i = 0; i < setup.parties().size(); i++) {
            out.add(endpoint(setup, i));
        }
        return out;
    }

    /**
     * An id for the listener: the first 16 bytes of SHA-256 of {@code text}, in hex. Callers bind
     * it to the requester's fingerprint and the session id, so that another requester that learnt
     * a session id cannot occupy it at a node's listener.
     */
    public static String id(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** {@code d}, but no longer than {@code millis} (the time left) and at least 1 ms. */
    public static Duration within(Duration d, long millis) {
        return Duration.ofMillis(Math.max(1, Math.min(d.toMillis(), millis)));
    }
}
