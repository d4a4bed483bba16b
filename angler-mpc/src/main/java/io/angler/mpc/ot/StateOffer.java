package io.angler.mpc.ot;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.Channel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The first thing each side of a pair says in a session's OT set-up: whether it keeps OT state
 * between sessions at all this time, and which state it has for the pair (its id and both stream
 * positions, from its own point of view). The pair continues from that state only if both offers
 * name the same state at the same positions (one side's sender position is the other's receiver
 * position); otherwise it does fresh base OTs. So the two sides always agree, and a side never
 * rewinds its own streams whatever the peer says.
 *
 * <pre>
 *   caching (1: 0 or 1) | id (16, zero if none) | sender position (8) | receiver position (8), little-endian
 * </pre>
 */
record StateOffer(boolean caching, byte[] id, long senderPosition, long receiverPosition) {
    static final int BYTES = 1 + 16 + 8 + 8;

    static StateOffer of(boolean caching, PairState state) {
        return state == null ? new StateOffer(caching, new byte[16], 0, 0)
                : new StateOffer(caching, state.id, state.senderPosition(), state.receiverPosition());
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) (caching ? 1 : 0)).put(id).putLong(senderPosition).putLong(receiverPosition);
        return b.array();
    }

    static StateOffer read(Channel ch) {
        ByteBuffer b = ByteBuffer.wrap(ch.readBytes(BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        byte flag = b.get();
        if (flag != 0 && flag != 1) {
            throw new MpcAbortException("protocol", ch.peer(), "the OT state offer has an unknown flag");
        }
        byte[] id = new byte[16];
        b.get(id);
        return new StateOffer(flag == 1, id, b.getLong(), b.getLong());
    }

    /** Whether this (the peer's) offer names exactly {@code mine}, this side's state for the pair. */
    boolean matches(PairState mine) {
        return caching && mine != null && Arrays.equals(id, mine.id)
                && receiverPosition == mine.senderPosition() && senderPosition == mine.receiverPosition();
    }
}
