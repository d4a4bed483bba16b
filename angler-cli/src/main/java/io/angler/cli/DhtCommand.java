package io.angler.cli;

import io.angler.core.geo.Geohash;
import io.angler.dht.DhtConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code angler dht}: run and query the discovery DHT by hand. */
@Command(name = "dht", mixinStandardHelpOptions = true,
        description = {
            "Runs DHT nodes of a pool and looks providers up by hand.",
            "Every node of one pool must use the same --expiry.",
        },
        subcommands = {
            DhtBootstrapCommand.class,
            DhtNodesCommand.class,
            DhtAnnounceCommand.class,
            DhtLookupCommand.class,
        })
final class DhtCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: bootstrap, nodes, announce or lookup (try: angler dht --help)");
    }

    /** How a node that joins an existing pool finds it (announce, lookup). */
    static final class JoinOptions {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", required = true, split = ",",
                converter = EndpointConverter.class, description = "node(s) to join through")
        List<InetSocketAddress> bootstrap;

        @Option(names = "--join-timeout", paramLabel = "DURATION", defaultValue = "10s",
                converter = DurationConverter.class,
                description = "give up if no node answered by then (default ${DEFAULT-VALUE})")
        Duration timeout;
    }

    /** Options every node-running subcommand shares. */
    static final class NodeOptions {
        @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "address to listen on, the one other nodes reach this node at (default ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "where the node keeps its ID and routing table (default: a temporary directory, removed at exit)")
        Path dataDir;

        @Option(names = "--location", paramLabel = "GEOHASH", defaultValue = "dn5bpsbw", converter = GeohashConverter.class,
                description = "where this node is; its node ID starts with this cell (default ${DEFAULT-VALUE})")
        Geohash location;

        @Option(names = "--expiry", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
                description = "how long a withdrawn offer may still be found, the same on every node of the pool "
                        + "(default ${DEFAULT-VALUE})")
        Duration expiry;

        InetAddress address(CommandLine cl) {
            try {
                InetAddress a = InetAddress.getByName(host);
                if (a.isAnyLocalAddress()) {
                    throw new CommandLine.ParameterException(cl, "--host " + host
                            + " is not allowed: give the address other nodes reach this node at");
                }
                return a;
            } catch (UnknownHostException e) {
                throw new CommandLine.ParameterException(cl, "--host " + host + " does not resolve");
            }
        }

        /** The node configuration; a missing data directory becomes a temporary one. */
        DhtConfig config(CommandLine cl, Path dir, int port, List<InetSocketAddress> bootstrap) {
            if (expiry.compareTo(DhtConfig.MIN_EXPIRY) < 0 || expiry.compareTo(DhtConfig.MAX_EXPIRY) > 0) {
                throw new CommandLine.ParameterException(cl, "--expiry " + DurationConverter.format(expiry)
                        + " is outside 2s..24h");
            }
            return new DhtConfig(dir, new InetSocketAddress(address(cl), port), bootstrap, location,
                    Math.min(DhtConfig.DEFAULT_ID_PRECISION, location.precision()), expiry);
        }
    }

    /** What a command opened, closed in reverse order once (at the end, or on Ctrl-C). */
    static final class Resources implements AutoCloseable {
        private final ArrayDeque<AutoCloseable> opened = new ArrayDeque<>();

        synchronized <T extends AutoCloseable> T add(T resource) {
            opened.push(resource);
            return resource;
        }

        @Override
        public synchronized void close() {
            while (!opened.isEmpty()) {
                try {
                    opened.pop().close();
                } catch (Exception e) {
                    // Closing goes on: one failure must not leave the other nodes running.
                }
            }
        }
    }

    /** A data directory given by the user, or a temporary one deleted on close. */
    static final class DataDir implements AutoCloseable {
        final Path path;
        private final boolean temporary;

        DataDir(Path given, String prefix) {
            if (given != null) {
                path = given;
                temporary = false;
            } else {
                try {
                    path = Files.createTempDirectory("angler-" + prefix);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot create a temporary directory: " + e.getMessage(), e);
                }
                temporary = true;
            }
        }

        @Override
        public void close() {
            if (!temporary) {
                return;
            }
            try (Stream<Path> files = Files.walk(path)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temporary directory is harmless.
            }
        }
    }

    /**
     * Waits until {@code duration} has passed (forever if null) or the process is asked to stop
     * (Ctrl-C), printing {@code status} every {@code every}, then runs {@code cleanup}. On Ctrl-C
     * a shutdown hook holds the process until the clean-up has closed the nodes.
     */
    static void runUntilStopped(Duration duration, Duration every, PrintWriter err, Supplier<String> status,
                                Runnable cleanup) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch cleaned = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                cleaned.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "angler-dht-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (stop.await(Math.min(left, every.toNanos()), TimeUnit.NANOSECONDS)) {
                    err.println("stopping ...");
                    err.flush();
                    break;
                }
                if (System.nanoTime() < end) {
                    err.println(status.get());
                    err.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                cleanup.run();
            } finally {
                cleaned.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and has just been released.
                }
            }
        }
    }

    /** Parses HOST:PORT or [IPV6]:PORT. */
    static final class EndpointConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        private static final Pattern FORM = Pattern.compile("(?:\\[([0-9a-fA-F:.%]+)]|([^:\\[\\]]+)):(\\d{1,5})");

        @Override
        public InetSocketAddress convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT (example: 127.0.0.1:6881)");
            }
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("port " + port + " in '" + value + "' is outside 1..65535");
            }
            String host = m.group(1) != null ? m.group(1) : m.group(2);
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new CommandLine.TypeConversionException("host '" + host + "' does not resolve");
            }
        }
    }

    /** Parses 500ms, 30s, 5m, 2h, or ISO-8601 (PT30M). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            Matcher m = FORM.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 500ms, 30s, 5m, 2h)");
            }
        }

        static String format(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    /** Parses a geohash, naming the bad character. */
    static final class GeohashConverter implements CommandLine.ITypeConverter<Geohash> {
        @Override
        public Geohash convert(String value) {
            try {
                return Geohash.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
