package io.angler.node.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as people write them in configuration files and on the command line:
 * {@code 90s}, {@code 5m}, {@code 1h30m}, {@code 30d}, {@code 250ms}, or ISO-8601 ({@code PT1H}).
 */
public final class Durations {
    /** Longest duration anything in Angler accepts: ten years. */
    public static final Duration MAX = Duration.ofDays(3650);
    private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("duration is empty (examples: 90s, 5m, 1h30m, 30d)");
        }
        String t = text.strip();
        if (t.length() > 40) {
            throw new IllegalArgumentException("duration '" + t.substring(0, 40) + "...' is too long");
        }
        Duration d;
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("duration '" + t + "' is not valid ISO-8601 (example: PT1H)");
            }
        } else {
            Matcher m = PART.matcher(t);
            d = Duration.ZERO;
            int at = 0;
            while (at < t.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("duration '" + t
                            + "' is not of the form 90s, 5m, 1h30m, 30d or 250ms");
                }
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
                at = m.end();
            }
        }
        if (d.isNegative() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("duration '" + t + "' is outside 0.." + MAX.toDays() + " days");
        }
        return d;
    }

    /** The short form, e.g. {@code 1h30m}, for messages and documentation. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            sb.append(d.toMillisPart()).append("ms");
        }
        return sb.toString();
    }
}
