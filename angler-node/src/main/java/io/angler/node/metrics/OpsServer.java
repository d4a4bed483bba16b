package io.angler.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoint of a long-running node: {@code GET /metrics} (Prometheus text format),
 * {@code GET /healthz} (200 "ok", or 503 listing the failing checks: is the node ready to serve)
 * and {@code GET /livez} (the same for the checks whose failure means the process is broken and
 * should be restarted; a node waiting for its DHT is not ready but alive). One thread; bind it to
 * localhost or a management network, since lease counts are the provider's business.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    private final Map<String, BooleanSupplier> liveChecks = new LinkedHashMap<>();

    public OpsServer(InetSocketAddress bind, NodeMetrics metrics) {
        try {
            server = HttpServer.create(bind, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for metrics on " + bind + ": " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "angler-ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> respond(ex, () -> new Response(200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.scrape())));
        server.createContext("/healthz", ex -> respond(ex, () -> health(checks)));
        server.createContext("/livez", ex -> respond(ex, () -> health(liveChecks)));
        server.createContext("/", ex -> respond(ex, () -> new Response(404, "text/plain",
                "not found: try /metrics, /healthz or /livez\n")));
    }

    /** Adds a named check that /healthz reports; it must be cheap and must not block. */
    public synchronized OpsServer check(String name, BooleanSupplier healthy) {
        checks.put(name, healthy);
        return this;
    }

    /** Adds a named check that both /healthz and /livez report; it must be cheap and must not block. */
    public synchronized OpsServer liveCheck(String name, BooleanSupplier healthy) {
        checks.put(name, healthy);
        liveChecks.put(name, healthy);
        return this;
    }

    public OpsServer start() {
        server.start();
        return this;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private synchronized Response health(Map<String, BooleanSupplier> which) {
        List<String> failing = new ArrayList<>();
        for (Map.Entry<String, BooleanSupplier> c : which.entrySet()) {
            boolean ok;
            try {
                ok = c.getValue().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                failing.add(c.getKey());
            }
        }
        return failing.isEmpty() ? new Response(200, "text/plain", "ok\n")
                : new Response(503, "text/plain", "failing: " + String.join(", ", failing) + "\n");
    }

    private record Response(int status, String type, String body) {
    }

    private interface Handler {
        Response handle();
    }

    private static void respond(HttpExchange ex, Handler handler) throws IOException {
        try (ex) {
            Response r;
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                r = new Response(405, "text/plain", "only GET\n");
            } else {
                r = handler.handle();
            }
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", r.type());
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(r.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
