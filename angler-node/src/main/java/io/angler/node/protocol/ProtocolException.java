package io.angler.node.protocol;

/**
 * A control message that cannot be accepted, or an error reported by the peer. The message says
 * what was wrong (which field, which limit) and never carries secret inputs.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final int peerVersion;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, Message.VERSION);
    }

    /** @param peerVersion the protocol version of the frame that could not be read */
    public ProtocolException(ErrorCode code, String message, int peerVersion) {
        super(message);
        this.code = code;
        this.peerVersion = peerVersion;
    }

    /** The protocol version the peer's frame carried (this node's own when that was not the problem). */
    public int peerVersion() {
        return peerVersion;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@link Message.Error} to send back for this exception. */
    public Message.Error toMessage() {
        return new Message.Error(code, getMessage());
    }
}
