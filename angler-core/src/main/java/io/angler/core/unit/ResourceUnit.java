package io.angler.core.unit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A resource unit: the bundle a provider sells, such as {@code cpu=200m,memory=128Mi}. Amounts are
 * held in canonical integer form (cpu in millicores, everything else in base units: bytes or
 * devices), so two spellings of the same bundle are equal and hash to the same pool key.
 *
 * @param amounts resource name to canonical amount, sorted by name, every amount positive
 */
public record ResourceUnit(SortedMap<String, Long> amounts) {
    /**
     * Largest canonical amount of one resource. Chosen so that a unit times any 16-bit unit count
     * (the placement circuit's default width) still fits in a {@code long}.
     */
    public static final long MAX_AMOUNT = Long.MAX_VALUE >> 17;
    /** Largest number of resources in one unit; a real unit names a handful. */
    public static final int MAX_RESOURCES = 16;

    /** Kubernetes resource names: an optional DNS-subdomain prefix and a qualified name. */
    private static final Pattern NAME = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                    + "[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?");
    private static final int MAX_NAME_LENGTH = 253;
    private static final BigDecimal MILLI = BigDecimal.valueOf(1000);

    public ResourceUnit {
        amounts = Collections.unmodifiableSortedMap(new TreeMap<>(amounts));
        if (amounts.isEmpty()) {
            throw new IllegalArgumentException("unit: names no resource (example: cpu=200m,memory=128Mi)");
        }
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0 || e.getValue() > MAX_AMOUNT) {
                throw new IllegalArgumentException("unit: " + e.getKey() + " amount " + e.getValue()
                        + " is outside 1.." + MAX_AMOUNT);
            }
        }
    }

    /**
     * Parses {@code name=quantity} pairs separated by commas, e.g. {@code cpu=0.2,memory=128Mi}.
     *
     * @throws IllegalArgumentException naming the offending field and value
     */
    public static ResourceUnit parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("unit: is empty (example: cpu=200m,memory=128Mi)");
        }
        if (text.length() > MAX_RESOURCES * (MAX_NAME_LENGTH + Quantity.MAX_LENGTH + 2)) {
            throw new IllegalArgumentException("unit: definition is too long");
        }
        Map<String, String> quantities = new LinkedHashMap<>();
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("unit: '" + Quantity.abbreviate(pair.strip())
                        + "' is not of the form name=quantity");
            }
            String name = pair.substring(0, eq).strip();
            if (quantities.put(name, pair.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("unit: resource '" + name + "' is given twice");
            }
        }
        return of(quantities);
    }

    /** Builds a unit from resource names and Kubernetes quantity strings (as in a custom resource). */
    public static ResourceUnit of(Map<String, String> quantities) {
        if (quantities.size() > MAX_RESOURCES) {
            throw new IllegalArgumentException("unit: names " + quantities.size()
                    + " resources, at most " + MAX_RESOURCES + " are allowed");
        }
        SortedMap<String, Long> amounts = new TreeMap<>();
        for (Map.Entry<String, String> e : quantities.entrySet()) {
            String name = validateName(e.getKey());
            BigDecimal value = Quantity.parse(name, e.getValue());
            if (amounts.put(name, canonicalAmount(name, e.getValue(), value)) != null) {
                throw new IllegalArgumentException("unit: resource '" + name + "' is given twice");
            }
        }
        return new ResourceUnit(amounts);
    }

    private static String validateName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("unit: a resource name is empty");
        }
        String n = name.strip();
        if (n.length() > MAX_NAME_LENGTH || !NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("unit: '" + Quantity.abbreviate(n)
                    + "' is not a valid Kubernetes resource name");
        }
        return n;
    }

    private static long canonicalAmount(String name, String text, BigDecimal value) {
        // cpu is counted in millicores (the finest precision Kubernetes keeps); everything else
        // (memory, storage, devices) in whole base units.
        boolean cpu = name.equals("cpu");
        BigDecimal scaled = cpu ? value.multiply(MILLI) : value;
        if (scaled.signum() == 0) {
            throw new IllegalArgumentException("unit: " + name + "=" + text.strip() + " is zero");
        }
        BigInteger whole;
        try {
            whole = scaled.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("unit: " + name + "=" + text.strip() + " is not a whole number of "
                    + (cpu ? "millicores (1m is the finest cpu precision)" : "base units"));
        }
        if (whole.bitLength() > 63 || whole.longValueExact() > MAX_AMOUNT) {
            throw new IllegalArgumentException("unit: " + name + "=" + text.strip() + " is too large (at most "
                    + MAX_AMOUNT + (cpu ? " millicores)" : ")"));
        }
        return whole.longValueExact();
    }

    /** The canonical text: names sorted, cpu as millicores with an {@code m}, others as integers. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.getKey()).append('=').append(format(e.getKey(), e.getValue()));
        }
        return sb.toString();
    }

    /** SHA-1 of the canonical text: 160 bits, the DHT key size. */
    public byte[] sha1() {
        try {
            return MessageDigest.getInstance("SHA-1").digest(canonical().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    /**
     * The Kubernetes quantities of {@code count} units, e.g. for a ResourceQuota.
     *
     * @throws IllegalArgumentException if count is negative or the total overflows
     */
    public SortedMap<String, String> times(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("unit count " + count + " is negative");
        }
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            out.put(e.getKey(), format(e.getKey(), Math.multiplyExact(e.getValue(), count)));
        }
        return out;
    }

    private static String format(String name, long amount) {
        return name.equals("cpu") ? amount + "m" : Long.toString(amount);
    }

    @Override
    public String toString() {
        return canonical();
    }
}
