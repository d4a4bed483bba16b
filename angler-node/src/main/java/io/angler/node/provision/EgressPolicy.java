package io.angler.node.provision;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where pods in a leased namespace may connect to; ingress is always limited to the namespace itself. */
public enum EgressPolicy {
    /** Only pods of the same namespace and cluster DNS. */
    ISOLATED("isolated"),
    /** As isolated, plus public addresses (private, link-local and metadata ranges stay closed). */
    INTERNET("internet"),
    /** Anywhere: the NetworkPolicy restricts ingress only. */
    OPEN("open");

    private final String label;

    EgressPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static EgressPolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (EgressPolicy e : values()) {
            if (e.label.equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("egress '" + text + "' is not one of "
                + Arrays.stream(values()).map(EgressPolicy::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return label;
    }
}
