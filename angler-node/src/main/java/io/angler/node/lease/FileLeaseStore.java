package io.angler.node.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.node.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leases in one JSON file in the node's data directory ({@code leases.json}), rewritten atomically
 * on every change, so the file always holds a complete set: the one before or the one after.
 * A provider holds at most a few thousand leases, so rewriting the whole file stays cheap.
 */
public final class FileLeaseStore implements LeaseStore {
    public static final String FILE_NAME = "leases.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Lease> leases = new LinkedHashMap<>();

    /**
     * Opens the store in {@code dataDir}, reading what is there.
     *
     * @throws IllegalStateException if the file exists but cannot be read completely: starting with
     *     a partial set would hand out units that are leased, so the operator must look at it
     */
    public FileLeaseStore(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            load();
        }
    }

    public Path file() {
        return file;
    }

    private void load() {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw corrupt("is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("version").asInt(-1) != FORMAT || !root.path("leases").isArray()) {
            throw corrupt("is not a version " + FORMAT + " lease file");
        }
        int i = 0;
        for (JsonNode n : root.get("leases")) {
            try {
                Lease l = LeaseJson.fromJson(n);
                if (leases.put(l.id(), l) != null) {
                    throw new IllegalArgumentException("lease id " + l.id() + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw corrupt("leases[" + i + "]: " + e.getMessage());
            }
            i++;
        }
    }

    private IllegalStateException corrupt(String what) {
        return new IllegalStateException(file + " " + what + "; the provider will not start without its leases:"
                + " repair the file, or move it aside to forget every lease in it");
    }

    @Override
    public synchronized void put(Lease lease) {
        Lease previous = leases.put(lease.id(), lease);
        try {
            save();
        } catch (RuntimeException e) {
            if (previous == null) {
                leases.remove(lease.id());
            } else {
                leases.put(lease.id(), previous);
            }
            throw e;
        }
    }

    @Override
    public synchronized void remove(String leaseId) {
        Lease previous = leases.remove(leaseId);
        if (previous == null) {
            return;
        }
        try {
            save();
        } catch (RuntimeException e) {
            leases.put(leaseId, previous);
            throw e;
        }
    }

    @Override
    public synchronized List<Lease> all() {
        return new ArrayList<>(leases.values());
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT);
        ArrayNode list = root.putArray("leases");
        for (Lease l : leases.values()) {
            list.add(LeaseJson.toJson(l));
        }
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
