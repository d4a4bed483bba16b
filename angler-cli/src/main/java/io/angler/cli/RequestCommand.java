package io.angler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.angler.core.geo.Geohash;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.unit.ResourceUnit;
import io.angler.dht.DhtConfig;
import io.angler.dht.DhtNode;
import io.angler.dht.SearchLimits;
import io.angler.node.config.DhtSettings;
import io.angler.node.config.Durations;
import io.angler.node.config.HostPort;
import io.angler.node.mpc.MpcPlacementRunner;
import io.angler.node.requester.CandidateSource;
import io.angler.node.requester.HeldLease;
import io.angler.node.requester.RequestException;
import io.angler.node.requester.RequestResult;
import io.angler.node.requester.RequestSpec;
import io.angler.node.requester.Requester;
import io.angler.node.requester.RequesterSettings;
import io.angler.node.select.RuntimeModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler request}: asks the pool for capacity, privately, and writes the kubeconfigs received. */
@Command(name = "request", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Asks the pool for COUNT units: finds providers of the unit near LOCATION on the DHT (or takes",
            "--provider addresses), probes them over mutual TLS, picks the fastest set that fits the time",
            "budget, runs the placement under MPC with them, claims the allocation from each winner and",
            "writes one kubeconfig per lease into --out. Only the winners learn how many units you asked for.",
            "Progress goes to stderr, the result to stdout. Leases are kept on record for `angler lease`.",
            "Exit status: 0 when units were allocated, 1 when they could not be (or on error), 2 for bad flags.",
        })
final class RequestCommand implements Callable<Integer> {
    static final Path DEFAULT_DATA_DIR = Path.of(System.getProperty("user.home", "."), ".angler", "requester");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--unit", paramLabel = "UNIT", required = true,
            description = "one unit, e.g. cpu=1,memory=1Gi (Kubernetes quantities)")
    String unit;

    @Option(names = "--count", paramLabel = "N", required = true, description = "units wanted (secret)")
    long count;

    @Option(names = "--location", paramLabel = "GEOHASH", required = true,
            description = "where the capacity should be, e.g. dn5bpsbw")
    String location;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "first-price", converter = ModeConverter.class,
            description = "first-price, second-price or split (default ${DEFAULT-VALUE})")
    PlacementMode mode;

    @Option(names = "--max-providers", paramLabel = "M",
            description = "split mode: spread the request over at most M providers (secret; default 2)")
    Integer maxProviders;

    @Option(names = "--max-price", paramLabel = "P",
            description = "highest price per unit-hour accepted, micro-units; applied to the result you learn"
                    + " (winners above it are declined and release the units)")
    Long maxPrice;

    @Option(names = "--budget-ms", paramLabel = "T", defaultValue = "5000",
            description = "time budget of the placement: the slowest providers are dropped until the runtime model"
                    + " predicts it fits (default ${DEFAULT-VALUE})")
    long budgetMs;

    @Option(names = "--max-parties", paramLabel = "N", defaultValue = "" + RequestSpec.DEFAULT_MAX_PARTIES,
            description = "most parties in one session, you included (2..64, default ${DEFAULT-VALUE})")
    int maxParties;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", split = ",",
            description = "DHT node(s) to join the pool through (discovery)")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--provider", paramLabel = "HOST:PORT", split = ",",
            description = "skip discovery: these providers' control addresses (they must announce LOCATION's cell"
                    + " at --precision)")
    List<String> providers = new ArrayList<>();

    @Option(names = "--precision", paramLabel = "P", defaultValue = "6",
            description = "geohash precision discovery starts at (default ${DEFAULT-VALUE})")
    int precision;

    @Option(names = "--coarsest", paramLabel = "P", defaultValue = "4",
            description = "coarsest precision discovery widens to (default ${DEFAULT-VALUE})")
    int coarsest;

    @Option(names = "--candidates", paramLabel = "N", defaultValue = "16",
            description = "stop widening once this many providers are found (default ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "1h",
            description = "lease length asked for, e.g. 90m, 2h, 7d (providers clamp it; default ${DEFAULT-VALUE})")
    String lease;

    @Option(names = "--csr", description = "ask for a client certificate: a key pair is made here and only its"
            + " certificate signing request is sent (default: a ServiceAccount token)")
    boolean csr;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "kubeconfigs",
            description = "where the kubeconfigs are written (default ./${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "your identity (key pair) and lease record (default ~/.angler/requester)")
    Path dataDir;

    @Option(names = "--mpc-listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:0",
            description = "where providers connect for the placement (default ${DEFAULT-VALUE}: any free port)")
    String mpcListen;

    @Option(names = "--advertise", paramLabel = "HOST",
            description = "the host providers reach --mpc-listen at (default: the address used to reach them)")
    String advertise;

    @Option(names = "--dht-listen", paramLabel = "HOST:PORT",
            description = "UDP address of the lookup node (default: the address that reaches the first bootstrap"
                    + " node, any free port)")
    String dhtListen;

    @Option(names = "--dht-expiry", paramLabel = "DURATION", defaultValue = "30m",
            description = "the pool's DHT expiry; must match the providers' (default ${DEFAULT-VALUE})")
    String dhtExpiry;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "" + RequestSpec.DEFAULT_ATTEMPTS,
            description = "sessions tried, each without the providers seen to fail (default ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--session-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "deadline of one session from set-up to result (default ${DEFAULT-VALUE})")
    String sessionTimeout;

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (bootstrap.isEmpty() == providers.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), bootstrap.isEmpty()
                    ? "give --bootstrap HOST:PORT (discovery on the pool's DHT) or --provider HOST:PORT (known providers)"
                    : "give either --bootstrap (discovery) or --provider (known providers), not both");
        }
        RequestSpec request = requestSpec();
        Path data = dataDir != null ? dataDir : DEFAULT_DATA_DIR;
        RequesterSettings settings = new RequesterSettings(data, parse("--mpc-listen", mpcListen), advertise,
                RuntimeModel.loadDefault(), RequesterSettings.DEFAULT_CONTROL_TIMEOUT);
        Path dhtDir = null;
        DhtNode dht = null;
        try (Requester requester = Requester.start(settings, MpcPlacementRunner::new, Clock.systemUTC())) {
            CandidateSource source;
            if (!providers.isEmpty()) {
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (String p : providers) {
                    HostPort hp = parse("--provider", p);
                    addresses.add(new InetSocketAddress(hp.host(), hp.port()));
                }
                source = CandidateSource.fixed(addresses);
            } else {
                dhtDir = Files.createTempDirectory("angler-request-dht");
                dht = startDht(dhtDir, request.location(), err);
                source = CandidateSource.dht(dht);
            }
            err.println("requester " + requester.fingerprint() + " (identity in " + data + ")");
            err.flush();
            RequestResult r;
            try {
                r = requester.request(request, source, line -> {
                    err.println("... " + line);
                    err.flush();
                });
            } catch (RequestException e) {
                err.println("angler request: " + e.getMessage());
                err.flush();
                return Angler.EXIT_FAILURE;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writeValueAsString(toJson(r)));
            } else {
                print(r, out);
            }
            out.flush();
            if (!r.served()) {
                err.println("angler request: " + (r.declined().isEmpty()
                        ? "none of the " + r.providers().size() + " provider(s) in the session can serve "
                        + r.request().units() + " unit(s)" + (mode == PlacementMode.SPLIT ? " over at most "
                        + r.request().maxProviders() + " provider(s)" : "")
                        + "; try fewer units, " + (mode == PlacementMode.SPLIT ? "a larger --max-providers, " : "")
                        + "or a wider search (--coarsest, --candidates)"
                        : "every winner asked more than --max-price " + maxPrice + "; nothing was allocated"));
                err.flush();
                return Angler.EXIT_FAILURE;
            }
            return 0;
        } finally {
            if (dht != null) {
                dht.close();
            }
            if (dhtDir != null) {
                deleteTree(dhtDir);
            }
        }
    }

    private RequestSpec requestSpec() {
        try {
            Duration budget = Duration.ofMillis(budgetMs);
            SearchLimits search = new SearchLimits(precision, coarsest, candidates, Duration.ofSeconds(10));
            int m = mode == PlacementMode.SPLIT ? (maxProviders == null ? 2 : maxProviders) : (maxProviders == null ? 1 : maxProviders);
            return new RequestSpec(ResourceUnit.parse(unit), count, Geohash.of(location), mode, m, maxPrice, budget,
                    maxParties, search, Durations.parse(lease), csr, out, Durations.parse(sessionTimeout), attempts);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private DhtNode startDht(Path dir, Geohash where, PrintWriter err) {
        List<HostPort> nodes = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String b : bootstrap) {
            HostPort hp = parse("--bootstrap", b);
            if (hp.port() == 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap " + b + " has no port");
            }
            nodes.add(hp);
            addresses.add(InetSocketAddress.createUnresolved(hp.host(), hp.port()));
        }
        Duration expiry;
        InetSocketAddress bind;
        try {
            expiry = Durations.parse(dhtExpiry);
            bind = DhtSettings.bindAddress(dhtListen == null ? new HostPort("0.0.0.0", 0) : parse("--dht-listen", dhtListen),
                    nodes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        err.println("... joining the DHT through " + String.join(", ", bootstrap));
        err.flush();
        DhtNode node = DhtNode.start(new DhtConfig(dir, bind, addresses, where, Math.min(6, where.precision()), expiry));
        try {
            node.awaitBootstrap(Duration.ofSeconds(10));
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private HostPort parse(String option, String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    static Map<String, Object> toJson(RequestResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("session", r.sessionId());
        root.put("mode", r.mode().label());
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("units", r.request().units());
        if (r.mode() == PlacementMode.SPLIT) {
            req.put("max_providers", r.request().maxProviders());
        }
        root.put("request", req);
        List<Object> providers = new ArrayList<>();
        for (RequestResult.SessionProvider p : r.providers()) {
            providers.add(ordered("index", p.index(), "fingerprint", p.fingerprint(), "address", p.host() + ":" + p.port(),
                    "rtt_ms", round(p.rttMs())));
        }
        root.put("providers", providers);
        root.put("allocations", allocations(r.allocations()));
        root.put("declined", allocations(r.declined()));
        List<Object> leases = new ArrayList<>();
        for (HeldLease l : r.leases()) {
            leases.add(ordered("lease", l.leaseId(), "provider", indexOf(r, l.providerFingerprint()), "namespace", l.namespace(),
                    "units", l.units(), "price", l.price(), "expires_at", l.expiresAt().toString(), "kubeconfig", l.kubeconfig()));
        }
        root.put("leases", leases);
        root.put("private", true);
        root.put("attempts", r.attempts());
        root.put("failures", r.failures());
        Map<String, Object> t = new LinkedHashMap<>();
        r.timingsMs().forEach((k, v) -> t.put(k, round(v)));
        root.put("timings_ms", t);
        return root;
    }

    private static List<Object> allocations(List<Allocation> list) {
        List<Object> out = new ArrayList<>();
        for (Allocation a : list) {
            out.add(ordered("provider", a.provider(), "units", a.units(), "price", a.price()));
        }
        return out;
    }

    private static int indexOf(RequestResult r, String fingerprint) {
        return r.providers().stream().filter(p -> p.fingerprint().equals(fingerprint)).findFirst()
                .map(RequestResult.SessionProvider::index).orElse(0);
    }

    static void print(RequestResult r, PrintWriter out) {
        out.printf("Session %s: %s, %d provider(s)%s%n", r.sessionId().substring(0, 8), r.mode().label(),
                r.providers().size(), r.attempts() > 1 ? " (attempt " + r.attempts() + ")" : "");
        for (RequestResult.SessionProvider p : r.providers()) {
            out.printf("  %2d  %s:%d  %s...  rtt %.1f ms%n", p.index(), p.host(), p.port(), p.fingerprint().substring(0, 16),
                    p.rttMs());
        }
        if (r.leases().isEmpty()) {
            out.println("No units allocated.");
        } else {
            out.println("Allocated:");
            for (HeldLease l : r.leases()) {
                out.printf("  %d unit%s from provider %d at %d micro-units per unit-hour, lease %s until %s%n", l.units(),
                        l.units() == 1 ? "" : "s", indexOf(r, l.providerFingerprint()), l.price(), l.leaseId(), l.expiresAt());
                out.printf("    namespace %s, kubeconfig %s%n", l.namespace(), l.kubeconfig());
            }
        }
        for (Allocation a : r.declined()) {
            out.printf("Declined: %d unit(s) from provider %d at %d (above --max-price)%n", a.units(), a.provider(), a.price());
        }
        StringBuilder sb = new StringBuilder("Timings:");
        r.timingsMs().forEach((k, v) -> sb.append(String.format(" %s %.1f ms,", k, v)));
        out.println(sb.substring(0, sb.length() - 1));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what is left
        }
    }
}
