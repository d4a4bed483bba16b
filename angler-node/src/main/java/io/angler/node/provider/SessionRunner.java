package io.angler.node.provider;

import io.angler.core.placement.ProviderView;
import io.angler.node.lease.SessionInput;
import io.angler.node.protocol.Message;

/**
 * Runs a provider's side of one placement: connects to the session's parties (pinning the
 * fingerprints of the setup), feeds in the provider's secret inputs and returns exactly what this
 * provider learns. The implementation is the MPC placement (angler-mpc); it must give up at the
 * setup's deadline.
 */
@FunctionalInterface
public interface SessionRunner {
    /**
     * @param setup the session as the requester sent it
     * @param partyIndex this provider's index in the party list (1..K)
     * @param input this provider's secret inputs
     * @return this provider's view of the result
     * @throws Exception if the session aborts (timeout, disconnect, failed check)
     */
    ProviderView run(Message.SessionSetup setup, int partyIndex, SessionInput input) throws Exception;
}
