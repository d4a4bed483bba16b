package io.angler.mpc.net;

/**
 * One party's view of a session's full mesh: a {@link Channel} to every other party. Closing it
 * closes every channel and makes the peers' pending reads fail promptly.
 *
 * <p>Two implementations: {@link InMemoryNetwork} for unit tests and TLS over TCP for real runs.
 */
public interface Network extends AutoCloseable {
    /** This party's index, 0-based. */
    int self();

    /** Number of parties, including this one. */
    int parties();

    /** The channel to {@code peer} (which must differ from {@link #self()}). */
    Channel channel(int peer);

    /**
     * The long-term identity of {@code party} (this one included) if the transport authenticates it,
     * such as a pinned certificate fingerprint; null if it has none. State kept between sessions
     * (e.g. OT state) is keyed by it.
     */
    default String identity(int party) {
        return null;
    }

    /** Flushes every channel. */
    default void flushAll() {
        for (int p = 0; p < parties(); p++) {
            if (p != self()) {
                channel(p).flush();
            }
        }
    }

    /** Traffic with every peer so far, summed. */
    default ChannelStats totalStats() {
        ChannelStats total = ChannelStats.ZERO;
        for (int p = 0; p < parties(); p++) {
            if (p != self()) {
                total = total.plus(channel(p).stats());
            }
        }
        return total;
    }

    @Override
    void close();
}
