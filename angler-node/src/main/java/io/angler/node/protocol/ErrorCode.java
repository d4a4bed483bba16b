package io.angler.node.protocol;

/** Why a control message was refused; travels as a one-byte code with a human-readable message. */
public enum ErrorCode {
    UNSUPPORTED_VERSION(1),
    /** The frame could not be parsed: truncated, unknown type, trailing bytes, bad UTF-8. */
    MALFORMED(2),
    /** A field parsed but its value is not allowed; the message names the field. */
    INVALID_FIELD(3),
    /** The frame is longer than the cap. */
    TOO_LARGE(4),
    /** A valid message that is not expected at this point of the conversation. */
    UNEXPECTED(5),
    /** Too many sessions from this requester identity or address; try later. */
    RATE_LIMITED(6),
    /** The provider runs as many sessions as it allows; try later. Says nothing about capacity. */
    BUSY(7),
    /** The provider announces no offer under this pool key. */
    UNKNOWN_POOL(8),
    /** No such session, allocation or lease for this requester. */
    NOT_FOUND(9),
    /** The session id is in use, or the session is not in a state that allows the request. */
    CONFLICT(10),
    /** The deadline has passed or is further away than the provider accepts. */
    DEADLINE(11),
    /** The provider failed; the message says what the operator should look at. */
    INTERNAL(12);

    private final int wire;

    ErrorCode(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    static ErrorCode fromWire(int code) {
        for (ErrorCode c : values()) {
            if (c.wire == code) {
                return c;
            }
        }
        throw new ProtocolException(MALFORMED, "unknown error code " + code);
    }
}
