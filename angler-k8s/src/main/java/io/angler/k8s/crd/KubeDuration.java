package io.angler.k8s.crd;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes resources write them: one or more number-and-unit parts, units
 * {@code h}, {@code m} and {@code s}, e.g. {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 720h}.
 */
public final class KubeDuration {
    /** The pattern the CRD schema applies too; kept in one place so the two cannot drift. */
    public static final String PATTERN = "^([0-9]{1,7}[hms]){1,3}$";
    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART = Pattern.compile("([0-9]{1,7})([hms])");

    private KubeDuration() {
    }

    /** Parses {@code text}; the error names {@code field}. */
    public static Duration parse(String field, String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(field + ": '" + text
                    + "' is not a duration (examples: 90s, 30m, 1h30m, 720h)");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
        }
        return total;
    }
}
