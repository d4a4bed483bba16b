package io.angler.mpc.net;

import io.angler.mpc.MpcAbortException;

/**
 * A channel that passes every call to another; a decorator overrides only what it changes (the
 * engine's metering, and the tests' tampering).
 */
public abstract class ForwardingChannel implements Channel {
    protected final Channel delegate;

    protected ForwardingChannel(Channel delegate) {
        this.delegate = delegate;
    }

    @Override
    public int peer() {
        return delegate.peer();
    }

    @Override
    public void write(byte[] src, int off, int len) {
        delegate.write(src, off, len);
    }

    @Override
    public void writeLongs(long[] src, int off, int len) {
        delegate.writeLongs(src, off, len);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void read(byte[] dst, int off, int len) {
        delegate.read(dst, off, len);
    }

    @Override
    public void readLongs(long[] dst, int off, int len) {
        delegate.readLongs(dst, off, len);
    }

    @Override
    public void sendNotice(MpcAbortException.Evidence evidence, String check, int blamed) {
        delegate.sendNotice(evidence, check, blamed);
    }

    @Override
    public MpcAbortException.Report awaitNotice(long deadlineNanos) {
        return delegate.awaitNotice(deadlineNanos);
    }

    @Override
    public boolean peerClosed() {
        return delegate.peerClosed();
    }

    @Override
    public ChannelStats stats() {
        return delegate.stats();
    }
}
