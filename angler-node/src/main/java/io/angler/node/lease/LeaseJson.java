package io.angler.node.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.core.unit.ResourceUnit;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The JSON form of a {@link Lease}, as stored in the data directory. */
public final class LeaseJson {
    private LeaseJson() {
    }

    public static ObjectNode toJson(Lease l) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", l.id());
        o.put("offer", l.offer());
        o.put("requester", l.requester());
        o.put("unit", l.unit().canonical());
        o.put("units", l.units());
        o.put("price", l.price());
        o.put("namespace", l.namespace());
        o.put("createdAt", l.createdAt().toString());
        o.put("expiresAt", l.expiresAt().toString());
        return o;
    }

    /**
     * Reads a lease written by {@link #toJson}.
     *
     * @throws IllegalArgumentException naming the missing or invalid field
     */
    public static Lease fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("a lease must be a JSON object");
        }
        try {
            return new Lease(text(o, "id"), text(o, "offer"), text(o, "requester"),
                    ResourceUnit.parse(text(o, "unit")), number(o, "units"), number(o, "price"), text(o, "namespace"),
                    Instant.parse(text(o, "createdAt")), Instant.parse(text(o, "expiresAt")));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("lease " + o.path("id").asText("?") + ": bad time: " + e.getParsedString());
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("lease " + o.path("id").asText("?") + ": field '" + field
                    + "' is missing or not text");
        }
        return v.asText();
    }

    private static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("lease " + o.path("id").asText("?") + ": field '" + field
                    + "' is missing or not a whole number");
        }
        return v.asLong();
    }
}
