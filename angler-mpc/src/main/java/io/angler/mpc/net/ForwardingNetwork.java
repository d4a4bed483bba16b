package io.angler.mpc.net;

/**
 * A network that passes every call to another; a decorator overrides only what it changes
 * (usually {@link #channel}, wrapping the channels in a {@link ForwardingChannel}).
 */
public abstract class ForwardingNetwork implements Network {
    protected final Network delegate;

    protected ForwardingNetwork(Network delegate) {
        this.delegate = delegate;
    }

    @Override
    public int self() {
        return delegate.self();
    }

    @Override
    public int parties() {
        return delegate.parties();
    }

    @Override
    public String identity(int party) {
        return delegate.identity(party);
    }

    @Override
    public Channel channel(int peer) {
        return delegate.channel(peer);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
