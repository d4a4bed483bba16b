package io.angler.node.config;

/**
 * The ports requesters and session peers reach a provider at, when they are not the ones it
 * listens on: behind a port forward, a NAT or load balancer, or a relay (the WAN benchmark puts a
 * delaying relay in front of every node). The control port is what the node announces on the DHT;
 * the MPC port is what its probe reply tells requesters, who list it in the session's party list.
 * The host is not advertised: peers use the address they found the node at.
 *
 * @param control the control port to announce, or 0 for the port {@code listen} is bound to
 * @param mpc the MPC port to tell requesters, or 0 for the port {@code mpcListen} is bound to
 */
public record AdvertisedPorts(int control, int mpc) {
    /** Advertise the ports the node listens on (the default). */
    public static final AdvertisedPorts LISTENING = new AdvertisedPorts(0, 0);

    public AdvertisedPorts {
        if (control < 0 || control > 65535 || mpc < 0 || mpc > 65535) {
            throw new IllegalArgumentException("advertise: ports must be within 1..65535 (0: the listening port), got "
                    + control + " and " + mpc);
        }
    }

    /** The control port to announce, given the one the node is bound to. */
    public int control(int bound) {
        return control == 0 ? bound : control;
    }

    /** The MPC port to tell requesters, given the one the node is bound to. */
    public int mpc(int bound) {
        return mpc == 0 ? bound : mpc;
    }
}
