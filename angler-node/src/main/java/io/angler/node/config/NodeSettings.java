package io.angler.node.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The provider node itself.
 *
 * @param dataDir where the node keeps its identity, ledger and leases
 * @param listen control protocol listener (TLS)
 * @param mpcListen listener for the MPC connections of sessions (TLS, pinned per session)
 * @param metrics listener for /metrics and /healthz, or null when turned off
 * @param dhtListen UDP address of the node's DHT endpoint
 * @param dhtBootstrap DHT nodes to join through
 * @param rateLimits session rate limits per requester identity and address
 * @param sessions bounds on concurrent sessions, deadlines and claims
 */
public record NodeSettings(Path dataDir, HostPort listen, HostPort mpcListen, HostPort metrics, HostPort dhtListen,
                           List<HostPort> dhtBootstrap, RateLimitSettings rateLimits, SessionSettings sessions) {
    public static final int DEFAULT_CONTROL_PORT = 7400;
    public static final int DEFAULT_MPC_PORT = 7401;
    public static final int DEFAULT_METRICS_PORT = 9464;
    public static final int DEFAULT_DHT_PORT = 6881;

    public NodeSettings {
        if (dataDir == null || listen == null || mpcListen == null || dhtListen == null || rateLimits == null || sessions == null) {
            throw new IllegalArgumentException("node: dataDir, listen, mpcListen, dht, rateLimits and sessions are required");
        }
        dhtBootstrap = List.copyOf(dhtBootstrap);
    }
}
