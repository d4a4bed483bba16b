package io.angler.mpc.net;

/**
 * A node's TLS identity could not be loaded or created. The message names the file and says what
 * to do (restore it, or delete the pair to start a new identity).
 */
public class IdentityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
