package io.angler.mpc;

/**
 * A session ended without an output: a protocol check failed, a peer disconnected or timed out.
 * Every honest party that sees this discards everything it computed in the session.
 *
 * <p>Messages name the check or the step and the peer involved, never a secret value.
 */
public class MpcAbortException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String check;
    private final int peer;

    /**
     * @param check short stable name of the failed check or step, e.g. {@code "output-mac"}
     * @param peer the party index the failure is attributed to, or -1 if none
     * @param detail what happened, without secret values
     */
    public MpcAbortException(String check, int peer, String detail) {
        super(check + (peer >= 0 ? " (party " + peer + ")" : "") + ": " + detail);
        this.check = check;
        this.peer = peer;
    }

    public MpcAbortException(String check, int peer, String detail, Throwable cause) {
        this(check, peer, detail);
        initCause(cause);
    }

    /** The name of the failed check or step. */
    public String check() {
        return check;
    }

    /** The party the failure is attributed to, or -1. */
    public int peer() {
        return peer;
    }
}
