package io.angler.dht;

import io.angler.core.pool.PoolKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * One get_peers lookup of one pool key.
 *
 * @param key the pool key looked up (in the current epoch, see {@link Epochs})
 * @param providers the endpoints announced under it
 * @param messages get_peers queries sent
 * @param responses queries answered
 * @param elapsed from start to end (or to the deadline)
 * @param complete false if the deadline came before the lookup ended
 */
public record Lookup(PoolKey key, List<InetSocketAddress> providers, int messages, int responses, Duration elapsed,
                     boolean complete) {
    public Lookup {
        providers = List.copyOf(providers);
    }
}
