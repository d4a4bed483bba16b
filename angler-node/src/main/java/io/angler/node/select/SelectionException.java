package io.angler.node.select;

/** No session can be formed from the candidates; the message says why and what to change. */
public final class SelectionException extends RuntimeException {
    public SelectionException(String message) {
        super(message);
    }
}
