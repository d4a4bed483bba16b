package io.angler.node.testing;

import io.angler.core.placement.ProviderView;
import io.angler.node.protocol.Message;
import io.angler.node.provider.SessionRunner;
import io.angler.node.requester.RequesterRunner;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST DOUBLE. Plays the MPC for every session of a test through {@link IdealPlacement}: the
 * runners of the requester and of every provider meet here by session id. A provider listed with
 * {@link #deviating} deviates in every session it joins.
 */
public final class IdealMpc {
    private final Map<String, IdealPlacement> sessions = new ConcurrentHashMap<>();
    private final Set<String> deviating = ConcurrentHashMap.newKeySet();
    private final Duration joinTimeout;

    public IdealMpc(Duration joinTimeout) {
        this.joinTimeout = joinTimeout;
    }

    public IdealMpc() {
        this(Duration.ofSeconds(5));
    }

    /** The session's ideal placement, made by whichever party arrives first. */
    public IdealPlacement session(Message.SessionSetup setup) {
        return sessions.computeIfAbsent(setup.sessionId(),
                id -> new IdealPlacement(setup.mode(), setup.parties().size() - 1, joinTimeout));
    }

    public IdealPlacement session(String sessionId) {
        return sessions.get(sessionId);
    }

    public Map<String, IdealPlacement> sessions() {
        return sessions;
    }

    /** The provider with this fingerprint deviates from now on. */
    public void deviating(String fingerprint) {
        deviating.add(fingerprint);
    }

    public SessionRunner providerRunner() {
        return (setup, index, input) -> {
            IdealPlacement p = session(setup);
            if (deviating.contains(setup.parties().get(index).fingerprint())) {
                p.deviate(index);
            }
            ProviderView v = p.provide(index, input.bid());
            return v;
        };
    }

    public RequesterRunner requesterRunner() {
        return (setup, request) -> session(setup).request(request);
    }
}
