package io.angler.dht;

/** A DHT operation failed; the message names the problem and what to do next. */
public class DhtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DhtException(String message) {
        super(message);
    }

    public DhtException(String message, Throwable cause) {
        super(message, cause);
    }
}
