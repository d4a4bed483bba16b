package io.angler.node.requester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.core.unit.ResourceUnit;
import io.angler.node.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The requester's record of the leases it holds ({@code held-leases.json} in its data directory),
 * what {@code angler lease list|renew|release} work on. Rewritten atomically on every change, under
 * a file lock so that two commands on the same data directory (a request while a renewal runs) do
 * not lose each other's changes.
 */
public final class HeldLeases {
    public static final String FILE_NAME = "held-leases.json";
    private static final String LOCK_NAME = "held-leases.lock";
    private static final int FORMAT = 1;
    /** Bounds what a damaged or hostile file can make this process allocate. */
    static final long MAX_FILE_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One monitor per file within this process: a file lock is per process, not per thread. */
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;

    public HeldLeases(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
        this.lockFile = dataDir.resolve(LOCK_NAME);
    }

    public Path file() {
        return file;
    }

    /** Every lease on record, oldest first. */
    public List<HeldLease> all() {
        return locked(() -> read());
    }

    /** The lease with this id. */
    public HeldLease get(String leaseId) {
        for (HeldLease l : all()) {
            if (l.leaseId().equals(leaseId)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no lease " + leaseId + " on record in " + file
                + " (angler lease list shows the leases held)");
    }

    /** Adds or replaces leases (by id). */
    public void put(List<HeldLease> leases) {
        update(all -> {
            List<HeldLease> out = new ArrayList<>();
            for (HeldLease l : all) {
                if (leases.stream().noneMatch(n -> n.leaseId().equals(l.leaseId()))) {
                    out.add(l);
                }
            }
            out.addAll(leases);
            return out;
        });
    }

    public void remove(String leaseId) {
        update(all -> all.stream().filter(l -> !l.leaseId().equals(leaseId)).toList());
    }

    /** Reads, changes and writes the record under the lock. */
    public void update(UnaryOperator<List<HeldLease>> change) {
        locked(() -> {
            write(change.apply(read()));
            return null;
        });
    }

    private <T> T locked(java.util.function.Supplier<T> work) {
        Object monitor = MONITORS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new Object());
        synchronized (monitor) {
            try {
                Files.createDirectories(lockFile.getParent());
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = ch.lock()) {
                    return work.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
            }
        }
    }

    private List<HeldLease> read() {
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        JsonNode root;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw corrupt("is larger than " + MAX_FILE_BYTES + " bytes");
            }
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw corrupt("is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("version").asInt(-1) != FORMAT || !root.path("leases").isArray()) {
            throw corrupt("is not a version " + FORMAT + " lease record");
        }
        List<HeldLease> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : root.get("leases")) {
            try {
                out.add(fromJson(n));
            } catch (IllegalArgumentException e) {
                throw corrupt("entry " + i + ": " + e.getMessage());
            }
            i++;
        }
        return out;
    }

    private void write(List<HeldLease> leases) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT);
        ArrayNode arr = root.putArray("leases");
        for (HeldLease l : leases) {
            arr.add(toJson(l));
        }
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the lease record", e);
        }
    }

    private IllegalStateException corrupt(String what) {
        return new IllegalStateException(file + " " + what + "; fix or move it aside (the providers still hold the"
                + " leases; their ids are in the kubeconfig file names)");
    }

    static ObjectNode toJson(HeldLease l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("leaseId", l.leaseId());
        o.put("sessionId", l.sessionId());
        o.put("providerHost", l.providerHost());
        o.put("providerPort", l.providerPort());
        o.put("providerFingerprint", l.providerFingerprint());
        o.put("namespace", l.namespace());
        o.put("unit", l.unit().canonical());
        o.put("units", l.units());
        o.put("price", l.price());
        o.put("createdAt", l.createdAt().toString());
        o.put("expiresAt", l.expiresAt().toString());
        o.put("kubeconfig", l.kubeconfig());
        return o;
    }

    static HeldLease fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        try {
            return new HeldLease(text(o, "leaseId"), text(o, "sessionId"), text(o, "providerHost"),
                    (int) number(o, "providerPort"), text(o, "providerFingerprint"), text(o, "namespace"),
                    ResourceUnit.parse(text(o, "unit")), number(o, "units"), number(o, "price"),
                    Instant.parse(text(o, "createdAt")), Instant.parse(text(o, "expiresAt")), text(o, "kubeconfig"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad time '" + e.getParsedString() + "'");
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not text");
        }
        return v.asText();
    }

    private static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a whole number");
        }
        return v.asLong();
    }
}
