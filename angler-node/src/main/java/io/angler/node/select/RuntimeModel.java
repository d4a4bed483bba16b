package io.angler.node.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Predicts how long one placement session under MPC takes, from the number of parties n
 * (requester and providers) and the largest round-trip time among them:
 * {@code t = base + perParty*n + perPartySquared*n^2 + (rounds + roundsPerParty*n) * rtt}.
 * The quadratic term is the pairwise work of a full mesh (WRK's preprocessing); the RTT term
 * the protocol's sequential round trips. Coefficients come from a properties file, fitted by
 * {@link RuntimeModelFit} from this project's own benchmark.
 *
 * @param base constant part, ms
 * @param perParty ms per party
 * @param perPartySquared ms per party squared
 * @param rounds round trips independent of n
 * @param roundsPerParty round trips per party
 * @param source where the coefficients come from (a note for people)
 */
public record RuntimeModel(double base, double perParty, double perPartySquared, double rounds, double roundsPerParty,
                           String source) {
    public static final String RESOURCE = "runtime-model.properties";

    public RuntimeModel {
        for (double c : new double[] {base, perParty, perPartySquared, rounds, roundsPerParty}) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("runtime model: coefficients must be finite numbers");
            }
        }
        source = source == null ? "" : source;
    }

    /** Predicted milliseconds for {@code parties} parties and a largest RTT of {@code rttMs}; never negative. */
    public double predictMs(int parties, double rttMs) {
        double n = parties;
        double t = base + perParty * n + perPartySquared * n * n + (rounds + roundsPerParty * n) * rttMs;
        return Math.max(0, t);
    }

    /** The model shipped with Angler. */
    public static RuntimeModel loadDefault() {
        try (InputStream in = RuntimeModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("runtime model resource " + RESOURCE + " is missing from the build");
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return fromProperties(p, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A model from a properties file (as written by {@link #store}). */
    public static RuntimeModel load(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return fromProperties(p, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
        }
    }

    private static RuntimeModel fromProperties(Properties p, String where) {
        return new RuntimeModel(number(p, "base", where), number(p, "perParty", where),
                number(p, "perPartySquared", where), number(p, "rounds", where), number(p, "roundsPerParty", where),
                p.getProperty("source", where));
    }

    private static double number(Properties p, String key, String where) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(where + ": runtime model coefficient '" + key + "' is missing");
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": runtime model coefficient " + key + "='" + v
                    + "' is not a finite number");
        }
    }

    /** Writes the model in the format {@link #load} reads. */
    public void store(Path file) {
        String text = String.format(Locale.ROOT, """
                # Runtime model of one placement session under MPC, in milliseconds:
                #   t = base + perParty*n + perPartySquared*n^2 + (rounds + roundsPerParty*n) * rtt
                source=%s
                base=%s
                perParty=%s
                perPartySquared=%s
                rounds=%s
                roundsPerParty=%s
                """, source.replace('\n', ' '), base, perParty, perPartySquared, rounds, roundsPerParty);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "t = %.1f + %.2f n + %.3f n^2 + (%.2f + %.3f n) rtt ms (%s)",
                base, perParty, perPartySquared, rounds, roundsPerParty, source);
    }
}
