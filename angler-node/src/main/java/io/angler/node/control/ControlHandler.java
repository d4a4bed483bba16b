package io.angler.node.control;

import io.angler.node.protocol.Message;
import io.angler.node.provider.Peer;

/** Answers one control request from an authenticated peer; must not throw for anything the peer sent. */
@FunctionalInterface
public interface ControlHandler {
    Message handle(Peer peer, Message request);
}
