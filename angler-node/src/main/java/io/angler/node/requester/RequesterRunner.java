package io.angler.node.requester;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementRequest;
import io.angler.node.protocol.Message;
import java.util.List;

/**
 * Runs the requester's side of one placement (party 0, the evaluator in WRK): waits for the
 * session's providers to connect (pinning the fingerprints of the setup), feeds in the request and
 * returns exactly what the requester learns. The implementation is the MPC placement; it must give
 * up at the setup's deadline.
 */
@FunctionalInterface
public interface RequesterRunner {
    /**
     * @param setup the session as sent to the providers
     * @param request the requester's secret inputs
     * @return the allocations, in ascending provider order; empty when the request cannot be served
     * @throws io.angler.mpc.MpcAbortException if the session aborts; {@code peer()} names the party
     *     the failure is attributed to, when it can be
     * @throws Exception for any other failure (timeout, interruption)
     */
    List<Allocation> run(Message.SessionSetup setup, PlacementRequest request) throws Exception;
}
