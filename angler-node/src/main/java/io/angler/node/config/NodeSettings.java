package io.angler.node.config;

import java.nio.file.Path;

/**
 * The provider node itself.
 *
 * @param dataDir where the node keeps its identity, ledger and leases
 * @param listen control protocol listener (TLS)
 * @param mpcListen listener for the MPC connections of sessions (TLS, pinned per session)
 * @param metrics listener for /metrics and /healthz, or null when turned off
 * @param dht how offers are announced on the pool's DHT, or null when they are not (requesters then
 *     need this provider's control address)
 * @param rateLimits session rate limits per requester identity and address
 * @param sessions bounds on concurrent sessions, deadlines and claims
 * @param advertise the ports others reach the control and MPC endpoints at, when not the listening ones
 */
public record NodeSettings(Path dataDir, HostPort listen, HostPort mpcListen, HostPort metrics, DhtSettings dht,
                           RateLimitSettings rateLimits, SessionSettings sessions, AdvertisedPorts advertise) {
    public static final int DEFAULT_CONTROL_PORT = 7400;
    public static final int DEFAULT_MPC_PORT = 7401;
    public static final int DEFAULT_METRICS_PORT = 9464;
    public static final int DEFAULT_DHT_PORT = 6881;

    public NodeSettings {
        if (dataDir == null || listen == null || mpcListen == null || rateLimits == null || sessions == null
                || advertise == null) {
            throw new IllegalArgumentException("node: dataDir, listen, mpcListen, rateLimits, sessions and advertise are"
                    + " required");
        }
    }

    /** Settings that advertise the listening ports. */
    public NodeSettings(Path dataDir, HostPort listen, HostPort mpcListen, HostPort metrics, DhtSettings dht,
                        RateLimitSettings rateLimits, SessionSettings sessions) {
        this(dataDir, listen, mpcListen, metrics, dht, rateLimits, sessions, AdvertisedPorts.LISTENING);
    }
}
