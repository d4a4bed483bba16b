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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The won reservations waiting for a claim, in {@code reservations.json} in the data directory,
 * rewritten atomically. Reservations of running sessions are not written: a session dies with the
 * process, so after a restart they must be gone anyway.
 */
final class ReservationFile {
    static final String FILE_NAME = "reservations.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    ReservationFile(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    List<Reservation> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || root.path("version").asInt(-1) != FORMAT || !root.path("reservations").isArray()) {
                throw new IllegalStateException(file + " is not a version " + FORMAT + " reservation file");
            }
            List<Reservation> out = new ArrayList<>();
            for (JsonNode n : root.get("reservations")) {
                out.add(new Reservation(new SessionKey(n.path("requester").asText(), n.path("session").asText()),
                        n.path("offer").asText(), n.path("units").asLong(), n.path("price").asLong(),
                        Reservation.State.WON, Instant.parse(n.path("expiresAt").asText())));
            }
            return out;
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalStateException(file + " cannot be read (" + e.getMessage() + "); it holds only won"
                    + " allocations waiting for a claim: move it aside to drop them", e);
        }
    }

    void save(Collection<Reservation> won) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", FORMAT);
        ArrayNode list = root.putArray("reservations");
        for (Reservation r : won) {
            ObjectNode o = list.addObject();
            o.put("requester", r.key().requester());
            o.put("session", r.key().sessionId());
            o.put("offer", r.offer());
            o.put("units", r.units());
            o.put("price", r.price());
            o.put("expiresAt", r.expiresAt().toString());
        }
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
