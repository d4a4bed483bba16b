package io.angler.core.unit;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kubernetes resource quantities ({@code 200m}, {@code 0.2}, {@code 128Mi}, {@code 1G},
 * {@code 1e3}) into exact decimal values, following the grammar of k8s.io/apimachinery's
 * {@code resource.Quantity}. Exact arithmetic matters: the canonical form of a unit is hashed into
 * its pool key, so {@code 0.2} and {@code 200m} must give the same bytes.
 */
public final class Quantity {
    /** Longest quantity text we accept; real ones are a handful of characters. */
    static final int MAX_LENGTH = 40;
    /** Largest decimal exponent accepted, so that a value like {@code 1e999999999} cannot exhaust memory. */
    private static final int MAX_EXPONENT = 30;

    private static final Pattern GRAMMAR = Pattern.compile(
            "([+-]?)([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,4})?");

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)),
            Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
            Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)),
            Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
            Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)),
            Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
            Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)),
            Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
            Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)));

    private Quantity() {
    }

    /**
     * Returns the exact value of {@code text} in base units (cores, bytes, devices).
     *
     * @param field the resource name, used only in error messages
     * @throws IllegalArgumentException naming the field and the value when the text is not a
     *     non-negative Kubernetes quantity
     */
    public static BigDecimal parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(field + ": quantity is empty");
        }
        String trimmed = text.strip();
        if (trimmed.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(field + ": quantity '" + abbreviate(trimmed)
                    + "' is longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = GRAMMAR.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException(field + ": '" + trimmed
                    + "' is not a Kubernetes quantity (examples: 200m, 0.5, 128Mi, 1G)");
        }
        BigDecimal number = new BigDecimal(m.group(2));
        String suffix = m.group(3);
        BigDecimal value;
        if (suffix == null) {
            value = number;
        } else if (SUFFIXES.containsKey(suffix)) {
            value = number.multiply(SUFFIXES.get(suffix));
        } else {
            int exponent = Integer.parseInt(suffix.substring(1));
            if (Math.abs(exponent) > MAX_EXPONENT) {
                throw new IllegalArgumentException(field + ": exponent in '" + trimmed
                        + "' is out of range (|e| <= " + MAX_EXPONENT + ")");
            }
            value = number.scaleByPowerOfTen(exponent);
        }
        if (m.group(1).equals("-") && value.signum() != 0) {
            throw new IllegalArgumentException(field + ": quantity '" + trimmed + "' is negative");
        }
        return value.abs();
    }

    static String abbreviate(String s) {
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH) + "...";
    }
}
