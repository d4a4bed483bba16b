package io.angler.k8s.provision;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a lease namespace may reach. Ingress is always limited to the namespace itself; egress is
 * the provider's choice.
 *
 * @param open true: any destination; false: the namespace itself, cluster DNS, and {@code cidrs}
 * @param cidrs extra destinations allowed when not open, e.g. {@code 0.0.0.0/0} minus nothing
 */
public record EgressPolicy(boolean open, List<String> cidrs) {
    public static final EgressPolicy OPEN = new EgressPolicy(true, List.of());
    public static final EgressPolicy ISOLATED = new EgressPolicy(false, List.of());
    private static final Pattern CIDR = Pattern.compile(
            "(\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2})|([0-9a-fA-F:]+:[0-9a-fA-F:]*/\\d{1,3})");

    public EgressPolicy {
        cidrs = List.copyOf(cidrs);
        for (String c : cidrs) {
            if (!CIDR.matcher(c).matches()) {
                throw new IllegalArgumentException("egress: '" + c + "' is not a CIDR (example: 10.0.0.0/8)");
            }
        }
        if (open && !cidrs.isEmpty()) {
            throw new IllegalArgumentException("egress: open egress takes no CIDR list");
        }
    }

    /** Parses {@code open}, {@code isolated} or {@code isolated:CIDR,CIDR...}. */
    public static EgressPolicy parse(String text) {
        if (text == null || text.isBlank() || text.equals("open")) {
            return OPEN;
        }
        if (text.equals("isolated")) {
            return ISOLATED;
        }
        if (text.startsWith("isolated:")) {
            return new EgressPolicy(false, List.of(text.substring("isolated:".length()).split(",")));
        }
        throw new IllegalArgumentException("egress: '" + text + "' is not open, isolated or isolated:CIDR,...");
    }
}
