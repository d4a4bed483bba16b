package io.angler.node.requester;

import io.angler.node.config.HostPort;
import io.angler.node.select.RuntimeModel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a requester runs.
 *
 * @param dataDir its identity (key pair and certificate: the identity that holds its leases) and
 *     its record of held leases
 * @param mpcListen where its MPC endpoint listens; the providers of a session connect to it
 * @param advertiseHost the host providers reach the MPC endpoint at, or null for the local address
 *     this host uses to reach the first provider of the session
 * @param model the runtime model selection uses
 * @param controlTimeout bound on each control connection, handshake and reply
 * @param advertisePort the port providers reach the MPC endpoint at, or 0 for the one it listens on
 *     (a port forward or a relay in front of it: the WAN benchmark's delaying relay)
 */
public record RequesterSettings(Path dataDir, HostPort mpcListen, String advertiseHost, RuntimeModel model,
                                Duration controlTimeout, int advertisePort) {
    public static final Duration DEFAULT_CONTROL_TIMEOUT = Duration.ofSeconds(10);

    public RequesterSettings {
        if (dataDir == null || mpcListen == null || model == null || controlTimeout == null) {
            throw new IllegalArgumentException("requester: data directory, MPC address, model and timeout are required");
        }
        if (advertiseHost != null && !io.angler.node.protocol.Message.HOST.matcher(advertiseHost).matches()) {
            throw new IllegalArgumentException("--advertise '" + advertiseHost + "' is not a host name or IP address");
        }
        if (advertisePort < 0 || advertisePort > 65535) {
            throw new IllegalArgumentException("advertised MPC port " + advertisePort + " is outside 1..65535"
                    + " (0: the listening port)");
        }
    }

    /** Settings that advertise the MPC endpoint's listening port. */
    public RequesterSettings(Path dataDir, HostPort mpcListen, String advertiseHost, RuntimeModel model,
                             Duration controlTimeout) {
        this(dataDir, mpcListen, advertiseHost, model, controlTimeout, 0);
    }

    /** Listen on every interface on a port the OS chooses, default model and timeout. */
    public static RequesterSettings of(Path dataDir) {
        return new RequesterSettings(dataDir, new HostPort("0.0.0.0", 0), null, RuntimeModel.loadDefault(),
                DEFAULT_CONTROL_TIMEOUT);
    }
}
