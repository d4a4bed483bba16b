package io.angler.mpc.net;

/**
 * Traffic with one peer, counted at the channel (payload bytes, without framing or TLS overhead).
 *
 * @param bytesSent payload bytes written and flushed
 * @param bytesReceived payload bytes received
 * @param messagesSent flushes that sent at least one byte: the number of rounds this party started
 */
public record ChannelStats(long bytesSent, long bytesReceived, long messagesSent) {
    public static final ChannelStats ZERO = new ChannelStats(0, 0, 0);

    public ChannelStats plus(ChannelStats o) {
        return new ChannelStats(bytesSent + o.bytesSent, bytesReceived + o.bytesReceived, messagesSent + o.messagesSent);
    }

    public ChannelStats minus(ChannelStats o) {
        return new ChannelStats(bytesSent - o.bytesSent, bytesReceived - o.bytesReceived, messagesSent - o.messagesSent);
    }
}
