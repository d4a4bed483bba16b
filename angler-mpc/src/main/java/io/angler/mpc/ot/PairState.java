package io.angler.mpc.ot;

/**
 * The correlated-OT state of one pair of nodes, both directions, as {@link CotCache} keeps it
 * between sessions: the IKNP sender side (this node's Δ and the base-OT seeds it chose with Δ's
 * bits) and the receiver side (both seeds of every base OT of the peer's direction). Each side's
 * PRG stream position only moves forward, so no PRG output is ever used twice.
 *
 * <p>{@code id} names the state at both ends: the first 16 bytes of a hash of the base-OT
 * transcript that made it, so the two nodes agree on it without sending anything more and no other
 * pair has the same one.
 */
final class PairState {
    final byte[] id;
    final CotSender sender;
    final CotReceiver receiver;

    PairState(byte[] id, CotSender sender, CotReceiver receiver) {
        this.id = id.clone();
        this.sender = sender;
        this.receiver = receiver;
    }

    /** 128-row slices generated so far in the direction where this node holds Δ. */
    long senderPosition() {
        return sender.position();
    }

    /** 128-row slices generated so far in the direction where this node chooses. */
    long receiverPosition() {
        return receiver.position();
    }
}
