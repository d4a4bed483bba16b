package io.angler.dht;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.Offer;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The DHT benchmark behind {@code angler bench dht}: builds a pool of {@code nodes} nodes on one
 * host (a bootstrap node and {@code nodes - 1} others, spread over cells around {@code dn5bps}
 * and a few far away), lets {@code providers} of them announce an offer at precisions 4, 5 and 6,
 * then runs {@code lookups} single-key lookups, one after the other, from random non-provider
 * nodes on random announced keys. A lookup counts as found when it returned every provider
 * announced under its key; which providers those are follows from their locations alone.
 */
public final class DhtBenchmark {
    static final ResourceUnit UNIT = ResourceUnit.parse("cpu=200m,memory=128Mi");
    private static final Geohash CENTRE = Geohash.of("dn5bps");
    private static final List<Geohash> FAR = List.of(Geohash.of("9q8yyk"), Geohash.of("u33dc0"));
    private static final Duration EXPIRY = DhtConfig.DEFAULT_EXPIRY;

    /**
     * @param nodes all nodes, the bootstrap node included (2..2000)
     * @param providers nodes that announce an offer (1..nodes-1)
     * @param lookups lookups to time (1..100000)
     * @param seed picks locations, providers, requesters and keys
     * @param host the address every node binds (loopback by default)
     */
    public record Options(int nodes, int providers, int lookups, long seed, InetAddress host) {
        public static final int MAX_NODES = 2000;

        public Options {
            if (nodes < 2 || nodes > MAX_NODES) {
                throw new IllegalArgumentException("--nodes " + nodes + " is outside 2.." + MAX_NODES);
            }
            if (providers < 1 || providers > nodes - 1) {
                throw new IllegalArgumentException("--providers " + providers + " is outside 1.." + (nodes - 1));
            }
            if (lookups < 1 || lookups > 100_000) {
                throw new IllegalArgumentException("--lookups " + lookups + " is outside 1..100000");
            }
            if (host == null) {
                throw new IllegalArgumentException("a host address is required");
            }
        }

        /** A provider for every tenth node, 200 lookups. */
        public static Options defaults(int nodes) {
            return new Options(nodes, Math.max(1, Math.min(nodes - 1, nodes / 10)), 200, 1,
                    InetAddress.getLoopbackAddress());
        }
    }

    /**
     * The figures of one run.
     *
     * @param found lookups that returned every provider announced under their key
     * @param messagesPerLookup get_peers queries sent per lookup, on average
     * @param setupMs starting the nodes, letting them join and announcing
     * @param threads the process's threads while the pool ran (JVM and libtorrent)
     * @param rssMiB the process's resident memory while the pool ran
     */
    public record Result(int nodes, int providers, int lookups, int found, double p50Ms, double p90Ms, double p99Ms,
                         double maxMs, double messagesPerLookup, double responsesPerLookup, double setupMs,
                         long threads, long rssMiB) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodes", nodes);
            m.put("providers", providers);
            m.put("lookups", lookups);
            m.put("found", found);
            m.put("success", lookups == 0 ? 0.0 : round((double) found / lookups));
            m.put("p50_ms", round(p50Ms));
            m.put("p90_ms", round(p90Ms));
            m.put("p99_ms", round(p99Ms));
            m.put("max_ms", round(maxMs));
            m.put("messages_per_lookup", round(messagesPerLookup));
            m.put("responses_per_lookup", round(responsesPerLookup));
            m.put("setup_ms", round(setupMs));
            m.put("threads", threads);
            m.put("rss_mib", rssMiB);
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }

    private DhtBenchmark() {
    }

    /**
     * Runs the benchmark in a fresh temporary directory, removed afterwards.
     *
     * @param progress told what is happening, a line at a time
     */
    public static Result run(Options o, Consumer<String> progress) {
        Path dir;
        try {
            dir = Files.createTempDirectory("angler-bench-dht");
        } catch (IOException e) {
            throw new DhtException("bench: cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            return run(o, dir, progress);
        } finally {
            deleteTree(dir);
        }
    }

    private static Result run(Options o, Path dir, Consumer<String> progress) {
        Random random = new Random(o.seed());
        List<Geohash> cells = cells();
        long setupStart = System.nanoTime();
        List<Announcer> announcers = new ArrayList<>();
        try (DhtNode bootstrap = DhtNode.start(new DhtConfig(dir.resolve("bootstrap"), new InetSocketAddress(o.host(), 0),
                List.of(), CENTRE, CENTRE.precision(), EXPIRY))) {
            List<Geohash> locations = new ArrayList<>();
            for (int i = 0; i < o.nodes() - 1; i++) {
                locations.add(Geohash.of(cells.get(random.nextInt(cells.size())).text() + "zz"));
            }
            int step = Math.max(1, (o.nodes() - 1) / 10);
            try (DhtSwarm swarm = DhtSwarm.start(dir, o.host(), List.of(bootstrap.endpoint()), locations, EXPIRY,
                    n -> {
                        if (n % step == 0 || n == locations.size()) {
                            progress.accept("started " + (n + 1) + " of " + o.nodes() + " nodes");
                        }
                    })) {
                swarm.awaitBootstrap(Duration.ofSeconds(60));
                progress.accept("every node joined; refreshing routing tables");
                swarm.refresh(Duration.ofSeconds(1));

                List<DhtNode> nodes = new ArrayList<>(swarm.nodes());
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                Set<Integer> providerIndices = new HashSet<>(order.subList(0, o.providers()));
                List<DhtNode> requesters = new ArrayList<>();
                Map<PoolKey, Set<InetSocketAddress>> expected = new HashMap<>();
                List<CompletableFuture<Void>> rounds = new ArrayList<>();
                int servicePort = 20000;
                for (int i = 0; i < nodes.size(); i++) {
                    DhtNode node = nodes.get(i);
                    if (!providerIndices.contains(i)) {
                        requesters.add(node);
                        continue;
                    }
                    int port = servicePort++;
                    List<PoolKey> keys = Offer.DEFAULT_ANNOUNCE_PRECISIONS.stream()
                            .map(p -> PoolKey.of(UNIT, node.config().location().prefix(p))).toList();
                    for (PoolKey k : keys) {
                        expected.computeIfAbsent(k, x -> new HashSet<>())
                                .add(new InetSocketAddress(node.endpoint().getAddress(), port));
                    }
                    Announcer a = new Announcer(node, port);
                    announcers.add(a);
                    rounds.add(a.announce("offer", keys));
                }
                if (requesters.isEmpty()) {
                    requesters.add(bootstrap);
                }
                for (CompletableFuture<Void> r : rounds) {
                    r.get(60, TimeUnit.SECONDS);
                }
                double setupMs = (System.nanoTime() - setupStart) / 1e6;
                progress.accept(o.providers() + " providers announced " + expected.size() + " keys; running "
                        + o.lookups() + " lookups");
                long threads = procStatus("Threads:");
                long rssMiB = procStatus("VmRSS:") / 1024;

                List<PoolKey> keys = new ArrayList<>(expected.keySet());
                keys.sort(Comparator.comparing(PoolKey::hex));
                double[] millis = new double[o.lookups()];
                long messages = 0;
                long responses = 0;
                int found = 0;
                int lookupStep = Math.max(1, o.lookups() / 10);
                for (int i = 0; i < o.lookups(); i++) {
                    PoolKey key = keys.get(random.nextInt(keys.size()));
                    DhtNode from = requesters.get(random.nextInt(requesters.size()));
                    long start = System.nanoTime();
                    Lookup lookup = new Discovery(from).lookup(key, Duration.ofSeconds(10));
                    millis[i] = (System.nanoTime() - start) / 1e6;
                    messages += lookup.messages();
                    responses += lookup.responses();
                    Set<InetSocketAddress> missing = new HashSet<>(expected.get(key));
                    lookup.providers().forEach(missing::remove);
                    if (lookup.complete() && missing.isEmpty()) {
                        found++;
                    } else {
                        progress.accept("lookup " + (i + 1) + " of " + key.cell() + " from " + from.endpoint().getPort()
                                + " missed " + missing.size() + " of " + expected.get(key).size() + " providers"
                                + (lookup.complete() ? "" : " (timed out)") + " after " + lookup.messages() + " queries");
                    }
                    if ((i + 1) % lookupStep == 0) {
                        progress.accept((i + 1) + " of " + o.lookups() + " lookups done");
                    }
                }
                Arrays.sort(millis);
                return new Result(o.nodes(), o.providers(), o.lookups(), found, percentile(millis, 50),
                        percentile(millis, 90), percentile(millis, 99), millis[millis.length - 1],
                        (double) messages / o.lookups(), (double) responses / o.lookups(), setupMs, threads, rssMiB);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException("bench: interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new DhtException("bench: announcing failed: " + e.getMessage(), e);
        } finally {
            announcers.forEach(Announcer::close);
        }
    }

    /** The centre cell, its neighbours, the other cells of its parent and two far cells. */
    static List<Geohash> cells() {
        List<Geohash> cells = new ArrayList<>();
        cells.add(CENTRE);
        cells.addAll(CENTRE.neighbours());
        "0123456789bcdefghjkmnpqrstuvwxyz".chars()
                .mapToObj(c -> Geohash.of(CENTRE.prefix(5).text() + (char) c))
                .filter(c -> !cells.contains(c))
                .limit(8)
                .forEach(cells::add);
        cells.addAll(FAR);
        return cells;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A field of /proc/self/status in its unit (kB for memory), or -1 where there is none. */
    static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
