package io.angler.node.lease;

/** A ledger operation that cannot be done; the message says why and never carries secret inputs. */
public final class LedgerException extends RuntimeException {
    private final Kind kind;

    public LedgerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public enum Kind {
        /** No such session, allocation or lease for this requester (existence is not confirmed to others). */
        NOT_FOUND,
        /** The session id is already in use, or the session is in a state that does not allow it. */
        CONFLICT,
        /** The request is malformed: unknown offer, bad duration. */
        INVALID
    }
}
