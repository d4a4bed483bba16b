package io.angler.node.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One node of a parsed configuration file together with where it sits (file and path such as
 * {@code offers[1].lease.max}), so that every error names the file, the field and the value.
 * Unknown fields are errors: a misspelt optional field would otherwise be silently ignored.
 */
final class ConfigNode {
    private static final int MAX_SHOWN = 60;

    private final String file;
    private final String path;
    private final JsonNode node;

    ConfigNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    String path() {
        return path;
    }

    boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    boolean isText() {
        return node != null && node.isTextual();
    }

    /** An error about this node, naming file, path and (when short enough to be useful) its value. */
    ConfigException error(String message) {
        String where = path.isEmpty() ? file : file + ": " + path;
        return new ConfigException(where + ": " + message);
    }

    /** The value as text, abbreviated, for error messages. */
    String shown() {
        if (isMissing()) {
            return "(missing)";
        }
        String s = node.isTextual() ? node.asText() : node.toString();
        return "'" + (s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...") + "'";
    }

    /** Requires an object (any keys). */
    ConfigNode mapping() {
        if (node == null || !node.isObject()) {
            throw error("must be a mapping (key: value), found " + shown());
        }
        return this;
    }

    /** Requires an object whose keys are all in {@code allowed}. */
    ConfigNode object(Set<String> allowed) {
        mapping();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw child(key).error("unknown field (allowed here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    ConfigNode child(String key) {
        JsonNode c = node == null ? null : node.get(key);
        return new ConfigNode(file, path.isEmpty() ? key : path + "." + key, c);
    }

    ConfigNode required(String key) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            throw c.error("is required");
        }
        return c;
    }

    List<ConfigNode> list(int maxItems) {
        if (node == null || !node.isArray()) {
            throw error("must be a list, found " + shown());
        }
        if (node.size() > maxItems) {
            throw error("has " + node.size() + " entries, at most " + maxItems + " are allowed");
        }
        List<ConfigNode> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(file, path + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    Iterator<String> fieldNames() {
        return node.fieldNames();
    }

    String text(int maxLength) {
        if (node == null || !(node.isTextual() || node.isNumber() || node.isBoolean())) {
            throw error("must be a single value, found " + shown());
        }
        String s = node.asText().strip();
        if (s.isEmpty()) {
            throw error("is empty");
        }
        if (s.length() > maxLength) {
            throw error("is " + s.length() + " characters long, at most " + maxLength + " are allowed");
        }
        return s;
    }

    long integer(long min, long max) {
        if (node == null || !(node.isIntegralNumber() || node.isTextual())) {
            throw error("must be a whole number, found " + shown());
        }
        long v;
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw error(shown() + " is out of range " + min + ".." + max);
            }
            v = node.asLong();
        } else {
            try {
                v = Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                throw error(shown() + " is not a whole number");
            }
        }
        if (v < min || v > max) {
            throw error(v + " is out of range " + min + ".." + max);
        }
        return v;
    }

    double decimal(double min, double max) {
        double v;
        if (node != null && node.isNumber()) {
            v = node.asDouble();
        } else if (node != null && node.isTextual()) {
            try {
                v = Double.parseDouble(node.asText().strip());
            } catch (NumberFormatException e) {
                throw error(shown() + " is not a number");
            }
        } else {
            throw error("must be a number, found " + shown());
        }
        if (!(v >= min && v <= max)) {
            throw error(shown() + " is out of range " + min + ".." + max);
        }
        return v;
    }

    boolean bool() {
        if (node == null || !node.isBoolean()) {
            throw error("must be true or false, found " + shown());
        }
        return node.asBoolean();
    }

    /** Converts the value with a domain parser, prefixing its IllegalArgumentException with the location. */
    <T> T parse(Function<String, T> parser, int maxLength) {
        String s = text(maxLength);
        try {
            return parser.apply(s);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** Runs a domain constructor, prefixing its IllegalArgumentException with this node's location. */
    <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }
}
