package io.angler.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    @Test
    void servesMetricsAndHealth() throws Exception {
        NodeMetrics metrics = new NodeMetrics(NodeMetrics.Role.PROVIDER);
        metrics.sessionStarted("first-price");
        metrics.sessionStarted("first-price");
        metrics.sessionStarted("a secret 12345 in a mode string");
        metrics.sessionWon("split");
        metrics.sessionAborted(NodeMetrics.AbortReason.TIMEOUT);
        metrics.setupRefused(NodeMetrics.RefusalReason.RATE_LIMITED);
        metrics.phase(NodeMetrics.Phase.MPC, Duration.ofMillis(250));
        metrics.leasesActive(() -> 3);
        AtomicBoolean ledgerOk = new AtomicBoolean(true);
        try (OpsServer ops = new OpsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics)
                .check("ledger", ledgerOk::get).check("control", () -> true).start()) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ops.address().getPort();
            HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).isEqualTo(200);
            assertThat(m.body())
                    .contains("angler_sessions_total{mode=\"first-price\",role=\"provider\"} 2.0")
                    .contains("angler_sessions_total{mode=\"other\",role=\"provider\"} 1.0")
                    .contains("angler_session_wins_total{mode=\"split\",role=\"provider\"} 1.0")
                    .contains("angler_session_aborts_total{reason=\"timeout\",role=\"provider\"} 1.0")
                    .contains("angler_setups_refused_total{reason=\"rate_limited\",role=\"provider\"} 1.0")
                    .contains("angler_phase_seconds_count{phase=\"mpc\",role=\"provider\"} 1")
                    .contains("angler_leases_active{role=\"provider\"} 3.0")
                    .doesNotContain("12345");
            HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).isEqualTo("ok\n");
            ledgerOk.set(false);
            h = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(h.statusCode()).isEqualTo(503);
            assertThat(h.body()).isEqualTo("failing: ledger\n");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void livezReportsOnlyTheLiveChecksWhileHealthzReportsThemAll() throws Exception {
        AtomicBoolean control = new AtomicBoolean(true);
        AtomicBoolean announced = new AtomicBoolean(false);
        try (OpsServer ops = new OpsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new NodeMetrics(NodeMetrics.Role.PROVIDER)).liveCheck("control", control::get)
                .check("dht-announced", announced::get).start()) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + ops.address().getPort();
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("failing: dht-announced\n");
            control.set(false);
            live = http.send(HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).isEqualTo(503);
            assertThat(live.body()).isEqualTo("failing: control\n");
            ready = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).isEqualTo("failing: control, dht-announced\n");
        }
    }
}
