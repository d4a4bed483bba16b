package io.angler.mpc.net;

import java.time.Duration;

/**
 * A session's channel over one {@link TlsLink}: the framing and buffering of {@link FramedChannel}
 * on the link's frames. The link may outlive the channel and carry a later session.
 */
final class TlsChannel extends FramedChannel {
    private final TlsLink link;
    private final long readTimeoutMillis;

    TlsChannel(int peer, int parties, TlsLink link, Duration readTimeout) {
        super(peer, parties);
        this.link = link;
        this.readTimeoutMillis = Math.max(1, readTimeout.toMillis());
    }

    TlsLink link() {
        return link;
    }

    @Override
    protected void sendFrame(Frame frame) {
        link.send(frame, peer());
    }

    @Override
    protected Frame receiveFrame(long waitNanos) {
        long waitMillis = waitNanos < 0 ? readTimeoutMillis : Math.max(1, waitNanos / 1_000_000);
        return link.receive(waitMillis, peer());
    }

    /** Whether this session left the link clean (every frame read, no abort), so it may carry another. */
    boolean leftClean() {
        return atRest() && link.reusable();
    }
}
