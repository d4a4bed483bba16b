package io.angler.node.provider;

import io.angler.core.placement.ProviderView;

/**
 * Told how each of a provider's sessions ended. The demo uses it to show what each provider
 * learned; a view is secret to its provider, so production code never logs or exports it.
 */
@FunctionalInterface
public interface SessionObserver {
    SessionObserver NONE = (sessionId, index, view) -> { };

    /**
     * @param sessionId the session
     * @param index this provider's party index in it
     * @param view what this provider learned, or null if the session aborted
     */
    void ended(String sessionId, int index, ProviderView view);
}
