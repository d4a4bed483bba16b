package io.angler.node.config;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * A host (name, IPv4 or IPv6 literal) and a port, written {@code host:port}, {@code [v6]:port} or
 * {@code :port} (every interface). Only the syntax is checked here; names are resolved when used.
 *
 * @param host a host name or IP literal (IPv6 without brackets); "0.0.0.0" for every interface
 * @param port 0..65535, where 0 lets the operating system choose (tests)
 */
public record HostPort(String host, int port) {
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9]{1,16})?");

    public HostPort {
        if (host == null || host.isEmpty() || host.length() > 253) {
            throw new IllegalArgumentException("address: host '" + host + "' is empty or longer than 253 characters");
        }
        if (host.contains(":") ? !IPV6.matcher(host).matches() : !HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("address: '" + host + "' is not a host name or IP address");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address: port " + port + " is outside 0..65535");
        }
    }

    public static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is empty (example: 0.0.0.0:7400)");
        }
        String t = text.strip();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("address '" + t + "' is not of the form [v6-address]:port");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("address '" + t
                        + "' is not of the form host:port (IPv6 in brackets: [::1]:7400)");
            }
            host = colon == 0 ? "0.0.0.0" : t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + t + "': port '" + port + "' is not a number");
        }
        return new HostPort(host, p);
    }

    /** An unresolved socket address, resolved when connecting or binding. */
    public InetSocketAddress toAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** A socket address resolved now (for binding a listener). */
    public InetSocketAddress resolve() {
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("address: cannot resolve host '" + host + "'");
        }
        return a;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
