package io.angler.k8s.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a CRD's OpenAPI v3 schema, for the keywords our CRDs use. The mock API
 * server enforces no schema, so this is how the tests know the schemas accept what the operator
 * writes and reject what they should. Unknown fields are reported (an API server would prune them
 * silently, which hides typos).
 */
final class SchemaValidator {
    private SchemaValidator() {
    }

    static List<String> validate(JSONSchemaProps schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        check(schema, value, "", errors);
        return errors;
    }

    private static void check(JSONSchemaProps s, JsonNode v, String path, List<String> errors) {
        String type = s.getType();
        if (type != null) {
            boolean ok = switch (type) {
                case "object" -> v.isObject();
                case "array" -> v.isArray();
                case "string" -> v.isTextual();
                case "integer" -> v.isIntegralNumber();
                case "number" -> v.isNumber();
                case "boolean" -> v.isBoolean();
                default -> throw new IllegalArgumentException("unsupported type " + type);
            };
            if (!ok) {
                errors.add(path + ": expected " + type + ", got " + v.getNodeType());
                return;
            }
        }
        if (s.getEnum() != null && !s.getEnum().isEmpty()
                && s.getEnum().stream().noneMatch(e -> e.equals(v))) {
            errors.add(path + ": " + v + " is not one of " + s.getEnum());
        }
        if (v.isObject()) {
            Map<String, JSONSchemaProps> props = s.getProperties();
            if (s.getRequired() != null) {
                for (String r : s.getRequired()) {
                    if (!v.has(r)) {
                        errors.add(path + "." + r + ": required");
                    }
                }
            }
            if (s.getMinProperties() != null && v.size() < s.getMinProperties()) {
                errors.add(path + ": fewer than " + s.getMinProperties() + " properties");
            }
            if (s.getMaxProperties() != null && v.size() > s.getMaxProperties()) {
                errors.add(path + ": more than " + s.getMaxProperties() + " properties");
            }
            Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                String p = path + "." + f.getKey();
                if (props != null && props.containsKey(f.getKey())) {
                    check(props.get(f.getKey()), f.getValue(), p, errors);
                } else if (s.getAdditionalProperties() != null && s.getAdditionalProperties().getSchema() != null) {
                    check(s.getAdditionalProperties().getSchema(), f.getValue(), p, errors);
                } else if (!path.isEmpty() || !(f.getKey().equals("apiVersion") || f.getKey().equals("kind")
                        || f.getKey().equals("metadata"))) {
                    errors.add(p + ": unknown field");
                }
            }
        }
        if (v.isArray()) {
            if (s.getMaxItems() != null && v.size() > s.getMaxItems()) {
                errors.add(path + ": more than " + s.getMaxItems() + " items");
            }
            for (int i = 0; i < v.size(); i++) {
                if (s.getItems() != null) {
                    check(s.getItems().getSchema(), v.get(i), path + "[" + i + "]", errors);
                }
            }
        }
        if (v.isTextual()) {
            String t = v.asText();
            if (s.getMinLength() != null && t.length() < s.getMinLength()) {
                errors.add(path + ": shorter than " + s.getMinLength());
            }
            if (s.getMaxLength() != null && t.length() > s.getMaxLength()) {
                errors.add(path + ": longer than " + s.getMaxLength());
            }
            if (s.getPattern() != null && !Pattern.compile(s.getPattern()).matcher(t).find()) {
                errors.add(path + ": '" + t + "' does not match " + s.getPattern());
            }
            if ("date-time".equals(s.getFormat())) {
                try {
                    Instant.parse(t);
                } catch (DateTimeParseException e) {
                    errors.add(path + ": '" + t + "' is not a date-time");
                }
            }
        }
        if (v.isNumber()) {
            if (s.getMinimum() != null && v.asDouble() < s.getMinimum()) {
                errors.add(path + ": " + v + " is below " + s.getMinimum());
            }
            if (s.getMaximum() != null && v.asDouble() > s.getMaximum()) {
                errors.add(path + ": " + v + " is above " + s.getMaximum());
            }
        }
    }
}
