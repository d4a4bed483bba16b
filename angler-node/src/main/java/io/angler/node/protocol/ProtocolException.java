package io.angler.node.protocol;

/**
 * A control message that cannot be accepted, or an error reported by the peer. The message says
 * what was wrong (which field, which limit) and never carries secret inputs.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@link Message.Error} to send back for this exception. */
    public Message.Error toMessage() {
        return new Message.Error(code, getMessage());
    }
}
