package io.angler.node.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.angler.core.geo.Geohash;
import io.angler.core.offer.LeaseLimits;
import io.angler.core.offer.Offer;
import io.angler.core.offer.PriceFunction;
import io.angler.core.placement.PlacementWidths;
import io.angler.core.unit.ResourceUnit;
import io.angler.node.provision.EgressPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a provider's YAML configuration (format in docs/operations.md). Every field is validated;
 * an error names the file, the field's path (such as {@code offers[0].lease.max}) and the value.
 * Relative paths in the file are resolved against the file's directory.
 */
public final class ProviderConfigLoader {
    /** Largest configuration file read; a real one is a few kilobytes. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    public static final int MAX_OFFERS = 64;
    private static final int MAX_TEXT = 256;

    private ProviderConfigLoader() {
    }

    public static ProviderConfig load(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(file + ": is " + size + " bytes, at most " + MAX_FILE_BYTES + " are read");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), bytes, base);
    }

    /**
     * Parses a configuration held in memory.
     *
     * @param name what to call the file in messages
     * @param base directory that relative paths are resolved against
     */
    public static ProviderConfig parse(String name, byte[] yaml, Path base) {
        if (yaml.length > MAX_FILE_BYTES) {
            throw new ConfigException(name + ": is " + yaml.length + " bytes, at most " + MAX_FILE_BYTES + " are read");
        }
        JsonNode root;
        try {
            root = mapper().readTree(yaml);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ConfigException(name + ": is not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot be parsed: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(name + ": is empty (see docs/operations.md for an example)");
        }
        ConfigNode top = new ConfigNode(name, "", root).object(Set.of("node", "offers", "provisioner"));
        NodeSettings node = node(top.required("node"), base);
        long defaultMinimum = top.child("node").child("minimumRequest").isMissing() ? 1
                : top.child("node").child("minimumRequest").integer(1, PlacementWidths.DEFAULT.maxUnits());
        List<OfferConfig> offers = new ArrayList<>();
        for (ConfigNode o : top.required("offers").list(MAX_OFFERS)) {
            offers.add(offer(o, defaultMinimum));
        }
        ProvisionerSettings provisioner = provisioner(top.required("provisioner"), base);
        return top.build(() -> new ProviderConfig(Path.of(name), node, offers, provisioner));
    }

    private static ObjectMapper mapper() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(16); // no "billion laughs"
        options.setCodePointLimit(MAX_FILE_BYTES);
        options.setNestingDepthLimit(32);
        options.setAllowDuplicateKeys(false);
        YAMLFactory factory = YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
                .build();
        ObjectMapper m = new ObjectMapper(factory);
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return m;
    }

    private static NodeSettings node(ConfigNode n, Path base) {
        n.object(Set.of("dataDir", "listen", "mpcListen", "metrics", "dht", "rateLimits", "sessions", "minimumRequest",
                "advertise"));
        Path dataDir = path(n.required("dataDir"), base);
        HostPort listen = n.child("listen").isMissing()
                ? new HostPort("0.0.0.0", NodeSettings.DEFAULT_CONTROL_PORT)
                : n.child("listen").parse(HostPort::parse, MAX_TEXT);
        HostPort mpcListen = n.child("mpcListen").isMissing()
                ? new HostPort("0.0.0.0", NodeSettings.DEFAULT_MPC_PORT)
                : n.child("mpcListen").parse(HostPort::parse, MAX_TEXT);
        HostPort metrics;
        ConfigNode m = n.child("metrics");
        if (m.isMissing()) {
            metrics = new HostPort("127.0.0.1", NodeSettings.DEFAULT_METRICS_PORT);
        } else if (m.text(MAX_TEXT).equals("off")) {
            metrics = null;
        } else {
            metrics = m.parse(HostPort::parse, MAX_TEXT);
        }
        DhtSettings dhtSettings = null;
        ConfigNode dht = n.child("dht");
        if (!dht.isMissing() && !(dht.isText() && dht.text(MAX_TEXT).equals("off"))) {
            dht.object(Set.of("listen", "bootstrap", "expiry"));
            HostPort dhtListen = dht.child("listen").isMissing() ? new HostPort("0.0.0.0", NodeSettings.DEFAULT_DHT_PORT)
                    : dht.child("listen").parse(HostPort::parse, MAX_TEXT);
            List<HostPort> bootstrap = new ArrayList<>();
            if (!dht.child("bootstrap").isMissing()) {
                for (ConfigNode b : dht.child("bootstrap").list(64)) {
                    HostPort hp = b.parse(HostPort::parse, MAX_TEXT);
                    if (hp.port() == 0) {
                        throw b.error("port 0 cannot be connected to");
                    }
                    bootstrap.add(hp);
                }
            }
            if (bootstrap.isEmpty() && isWildcard(dhtListen.host())) {
                throw dht.child("listen").isMissing() ? dht.error("with no bootstrap nodes (the pool's first node),"
                        + " 'listen' must give the address other nodes reach this node at")
                        : dht.child("listen").error("with no bootstrap nodes (the pool's first node), give the address"
                        + " other nodes reach this node at, not " + dhtListen.host());
            }
            Duration expiry = dht.child("expiry").isMissing() ? DhtSettings.DEFAULT_EXPIRY
                    : dht.child("expiry").parse(Durations::parse, MAX_TEXT);
            dhtSettings = dht.build(() -> new DhtSettings(dhtListen, bootstrap, expiry));
        }
        RateLimitSettings limits = RateLimitSettings.DEFAULT;
        ConfigNode r = n.child("rateLimits");
        if (!r.isMissing()) {
            r.object(Set.of("perIdentity", "perAddress", "maxTracked"));
            RateLimitSettings.Bucket id = r.child("perIdentity").isMissing() ? limits.perIdentity()
                    : bucket(r.child("perIdentity"));
            RateLimitSettings.Bucket addr = r.child("perAddress").isMissing() ? limits.perAddress()
                    : bucket(r.child("perAddress"));
            int tracked = r.child("maxTracked").isMissing() ? limits.maxTracked()
                    : (int) r.child("maxTracked").integer(16, 10_000_000);
            limits = new RateLimitSettings(id, addr, tracked);
        }
        SessionSettings sessions = SessionSettings.DEFAULT;
        ConfigNode s = n.child("sessions");
        if (!s.isMissing()) {
            s.object(Set.of("maxConcurrent", "maxDeadline", "claimWindow", "reuseOt"));
            int max = s.child("maxConcurrent").isMissing() ? sessions.maxConcurrent()
                    : (int) s.child("maxConcurrent").integer(1, 1024);
            Duration deadline = s.child("maxDeadline").isMissing() ? sessions.maxDeadline()
                    : s.child("maxDeadline").parse(Durations::parse, MAX_TEXT);
            Duration claim = s.child("claimWindow").isMissing() ? sessions.claimWindow()
                    : s.child("claimWindow").parse(Durations::parse, MAX_TEXT);
            boolean reuseOt = s.child("reuseOt").isMissing() ? sessions.reuseOt() : s.child("reuseOt").bool();
            sessions = s.build(() -> new SessionSettings(max, deadline, claim, reuseOt));
        }
        AdvertisedPorts advertise = AdvertisedPorts.LISTENING;
        ConfigNode a = n.child("advertise");
        if (!a.isMissing()) {
            a.object(Set.of("controlPort", "mpcPort"));
            int control = a.child("controlPort").isMissing() ? 0 : (int) a.child("controlPort").integer(1, 65535);
            int mpc = a.child("mpcPort").isMissing() ? 0 : (int) a.child("mpcPort").integer(1, 65535);
            advertise = new AdvertisedPorts(control, mpc);
        }
        DhtSettings finalDht = dhtSettings;
        RateLimitSettings finalLimits = limits;
        SessionSettings finalSessions = sessions;
        AdvertisedPorts finalAdvertise = advertise;
        return n.build(() -> new NodeSettings(dataDir, listen, mpcListen, metrics, finalDht, finalLimits,
                finalSessions, finalAdvertise));
    }

    /** Whether {@code host} means "every interface" rather than an address others can reach. */
    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    private static RateLimitSettings.Bucket bucket(ConfigNode b) {
        b.object(Set.of("burst", "perMinute"));
        int burst = (int) b.required("burst").integer(1, 1_000_000);
        double perMinute = b.required("perMinute").decimal(1e-6, 1_000_000);
        return b.build(() -> new RateLimitSettings.Bucket(burst, perMinute));
    }

    private static OfferConfig offer(ConfigNode o, long defaultMinimum) {
        o.object(Set.of("name", "unit", "quantity", "price", "location", "announcePrecisions", "lease"));
        String name = o.required("name").text(MAX_TEXT);
        ResourceUnit unit = unit(o.required("unit"));
        long quantity = o.required("quantity").integer(0, PlacementWidths.DEFAULT.maxUnits());
        ConfigNode priceNode = o.required("price");
        PriceFunction price = priceNode.parse(PriceFunction::parse, PriceFunction.MAX_LENGTH);
        checkPrice(priceNode, price, quantity);
        Geohash location = o.required("location").parse(Geohash::of, MAX_TEXT);
        List<Integer> precisions = new ArrayList<>(Offer.DEFAULT_ANNOUNCE_PRECISIONS);
        if (!o.child("announcePrecisions").isMissing()) {
            precisions.clear();
            for (ConfigNode p : o.child("announcePrecisions").list(Geohash.MAX_PRECISION)) {
                int v = (int) p.integer(1, location.precision());
                if (precisions.contains(v)) {
                    throw p.error("precision " + v + " is listed twice");
                }
                precisions.add(v);
            }
            if (precisions.isEmpty()) {
                throw o.child("announcePrecisions").error("must list at least one precision");
            }
            precisions.sort(null);
        } else if (location.precision() < precisions.get(precisions.size() - 1)) {
            throw o.required("location").error("has precision " + location.precision() + " but offers are announced at"
                    + " precisions 4, 5 and 6 unless announcePrecisions says otherwise");
        }
        LeaseLimits limits = leaseLimits(o.child("lease"), defaultMinimum);
        Offer offer = o.build(() -> new Offer(name, unit, quantity, price, location, limits));
        return o.build(() -> new OfferConfig(offer, precisions));
    }

    /**
     * Evaluates the price function at a spread of remaining counts, so that a formula that divides
     * by zero or leaves the circuit's price width fails at start rather than in a session.
     */
    private static void checkPrice(ConfigNode at, PriceFunction price, long quantity) {
        long max = PlacementWidths.DEFAULT.maxPrice();
        int samples = (int) Math.min(quantity + 1, 65);
        for (int i = 0; i < samples; i++) {
            long r = samples == 1 ? 0 : quantity * i / (samples - 1);
            long p;
            try {
                p = price.evaluate(quantity, r);
            } catch (IllegalArgumentException e) {
                throw at.error(e.getMessage());
            }
            if (p > max) {
                throw at.error("gives " + p + " for q=" + quantity + ", r=" + r + ", above the largest price "
                        + max + " micro-units the placement circuit holds");
            }
        }
    }

    private static ResourceUnit unit(ConfigNode u) {
        if (u.isText()) {
            return u.parse(ResourceUnit::parse, 4096);
        }
        Map<String, String> quantities = new LinkedHashMap<>();
        u.mapping(); // keys are resource names, checked by ResourceUnit
        Iterator<String> names = u.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            quantities.put(key, u.child(key).text(64));
        }
        return u.build(() -> ResourceUnit.of(quantities));
    }

    private static LeaseLimits leaseLimits(ConfigNode l, long defaultMinimum) {
        if (l.isMissing()) {
            return new LeaseLimits(LeaseLimits.DEFAULT.minDuration(), LeaseLimits.DEFAULT.maxDuration(), defaultMinimum);
        }
        l.object(Set.of("min", "max", "minUnits"));
        Duration min = l.child("min").isMissing() ? LeaseLimits.DEFAULT.minDuration()
                : l.child("min").parse(Durations::parse, MAX_TEXT);
        Duration max = l.child("max").isMissing() ? LeaseLimits.DEFAULT.maxDuration()
                : l.child("max").parse(Durations::parse, MAX_TEXT);
        long minUnits = l.child("minUnits").isMissing() ? defaultMinimum
                : l.child("minUnits").integer(1, PlacementWidths.DEFAULT.maxUnits());
        return l.build(() -> new LeaseLimits(min, max, minUnits));
    }

    private static ProvisionerSettings provisioner(ConfigNode p, Path base) {
        p.object(Set.of("kind", "directory", "kubeconfig", "server", "egress"));
        ProvisionerSettings.Kind kind = p.child("kind").isMissing() ? ProvisionerSettings.Kind.MANIFESTS
                : p.child("kind").parse(ProvisionerSettings.Kind::parse, MAX_TEXT);
        Path directory = p.child("directory").isMissing() ? null : path(p.child("directory"), base);
        if (kind == ProvisionerSettings.Kind.MANIFESTS && directory == null) {
            throw p.child("directory").error("is required for kind manifests (where the YAML files go)");
        }
        Path kubeconfig = p.child("kubeconfig").isMissing() ? null : path(p.child("kubeconfig"), base);
        String server = p.child("server").isMissing() ? null : p.child("server").text(MAX_TEXT);
        EgressPolicy egress = p.child("egress").isMissing() ? EgressPolicy.INTERNET
                : p.child("egress").parse(EgressPolicy::parse, MAX_TEXT);
        return p.build(() -> new ProvisionerSettings(kind, directory, kubeconfig, server, egress));
    }

    private static Path path(ConfigNode n, Path base) {
        String s = n.text(4096);
        if (s.indexOf('\0') >= 0) {
            throw n.error("contains a NUL character");
        }
        Path p = n.build(() -> Path.of(s));
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }
}
