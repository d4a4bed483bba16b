package io.angler.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A node's Prometheus metrics: sessions, wins, aborts, refused setups, phase latencies and active
 * leases. Every label value comes from a fixed enum, so no label can carry a secret (capacity,
 * price, request size) or an identity, and the number of series stays bounded. Nothing here
 * reports capacity, quantity or price, not even as a value.
 */
public final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Role role;

    public NodeMetrics(Role role) {
        this.role = role;
    }

    public void sessionStarted(String mode) {
        counter("angler.sessions", "Sessions this node took part in", "mode", modeLabel(mode)).increment();
    }

    public void sessionWon(String mode) {
        counter("angler.session.wins", "Sessions that ended with an allocation for this node", "mode", modeLabel(mode))
                .increment();
    }

    public void sessionAborted(AbortReason reason) {
        counter("angler.session.aborts", "Sessions that ended without a result", "reason", reason.label()).increment();
    }

    public void setupRefused(RefusalReason reason) {
        counter("angler.setups.refused", "Session setups this provider refused", "reason", reason.label()).increment();
    }

    public void phase(Phase phase, Duration took) {
        Timer.builder("angler.phase")
                .description("Time spent in each phase of a request")
                .tag("role", role.label())
                .tag("phase", phase.label())
                .publishPercentileHistogram(false)
                .register(registry)
                .record(took);
    }

    /** Reports the number of active leases (not their units). */
    public void leasesActive(Supplier<Number> count) {
        Gauge.builder("angler.leases.active", count).description("Leases this provider currently serves")
                .tag("role", role.label()).strongReference(true).register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private Counter counter(String name, String help, String key, String value) {
        return Counter.builder(name).description(help).tag("role", role.label()).tag(key, value).register(registry);
    }

    /** Modes are public (they travel in the setup); anything unknown is folded into "other". */
    private static String modeLabel(String mode) {
        String m = mode == null ? "" : mode.toLowerCase(Locale.ROOT);
        return switch (m) {
            case "first-price", "second-price", "split" -> m;
            default -> "other";
        };
    }

    public enum Role {
        PROVIDER, REQUESTER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Phase {
        DISCOVERY, PROBE, SETUP, MPC, CLAIM, PROVISION, RENEW, RELEASE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum AbortReason {
        TIMEOUT, DISCONNECT, CHECK_FAILED, PEER_ERROR, LOCAL_ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum RefusalReason {
        RATE_LIMITED, BUSY, UNKNOWN_POOL, BAD_SETUP, DEADLINE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
