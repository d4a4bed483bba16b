package io.angler.core.geo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A geohash cell. Each character carries 5 bits; bits alternate longitude, latitude, starting with
 * longitude. The cell's bits are what a pool key and a DHT node ID start with, so that cells close
 * on the map are close in XOR distance.
 *
 * @param text the lower-case geohash, 1 to {@link #MAX_PRECISION} characters
 */
public record Geohash(String text) {
    public static final int MAX_PRECISION = 12;
    public static final int BITS_PER_CHAR = 5;
    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    public Geohash {
        text = validate(text);
    }

    /** Parses a geohash, accepting upper case. */
    public static Geohash of(String text) {
        return new Geohash(text);
    }

    private static String validate(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("geohash: is empty (example: dn5bpsbw)");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.length() > MAX_PRECISION) {
            throw new IllegalArgumentException("geohash: '" + abbreviate(t) + "' has " + t.length()
                    + " characters, at most " + MAX_PRECISION + " are allowed");
        }
        for (int i = 0; i < t.length(); i++) {
            if (ALPHABET.indexOf(t.charAt(i)) < 0) {
                throw new IllegalArgumentException("geohash: '" + t + "' has '" + t.charAt(i) + "' at position "
                        + (i + 1) + ", which is not a geohash character (0-9 and b-z without i, l, o)");
            }
        }
        return t;
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }

    public int precision() {
        return text.length();
    }

    /** The cell's bits as an integer of {@code 5 * precision()} bits (at most 60). */
    public long bits() {
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            v = (v << BITS_PER_CHAR) | ALPHABET.indexOf(text.charAt(i));
        }
        return v;
    }

    /** The cell of {@code precision} characters that contains this one. */
    public Geohash prefix(int precision) {
        if (precision < 1 || precision > precision()) {
            throw new IllegalArgumentException("geohash: precision " + precision + " is outside 1.." + precision());
        }
        return new Geohash(text.substring(0, precision));
    }

    /**
     * The up to 8 cells around this one at the same precision: north, north-east, east, south-east,
     * south, south-west, west, north-west. Longitude wraps around the antimeridian; there is no cell
     * beyond a pole, so polar cells have fewer neighbours.
     */
    public List<Geohash> neighbours() {
        int totalBits = BITS_PER_CHAR * precision();
        int lonBits = (totalBits + 1) / 2;
        int latBits = totalBits / 2;
        long bits = bits();
        long lon = 0;
        long lat = 0;
        // Bit 0 (the most significant) is longitude, then latitude, alternating.
        for (int i = 0; i < totalBits; i++) {
            long bit = (bits >>> (totalBits - 1 - i)) & 1;
            if (i % 2 == 0) {
                lon = (lon << 1) | bit;
            } else {
                lat = (lat << 1) | bit;
            }
        }
        int[][] steps = {{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
        List<Geohash> out = new ArrayList<>(8);
        long lonCells = 1L << lonBits;
        long latCells = 1L << latBits;
        for (int[] step : steps) {
            long nLat = lat + step[0];
            if (nLat < 0 || nLat >= latCells) {
                continue;
            }
            long nLon = Math.floorMod(lon + step[1], lonCells);
            Geohash cell = fromLonLat(nLon, nLat, totalBits);
            if (!cell.equals(this) && !out.contains(cell)) {
                out.add(cell);
            }
        }
        return out;
    }

    private static Geohash fromLonLat(long lon, long lat, int totalBits) {
        int lonBits = (totalBits + 1) / 2;
        int latBits = totalBits / 2;
        long bits = 0;
        int li = lonBits - 1;
        int ai = latBits - 1;
        for (int i = 0; i < totalBits; i++) {
            long bit = (i % 2 == 0) ? (lon >>> li--) & 1 : (lat >>> ai--) & 1;
            bits = (bits << 1) | bit;
        }
        char[] chars = new char[totalBits / BITS_PER_CHAR];
        for (int c = chars.length - 1; c >= 0; c--) {
            chars[c] = ALPHABET.charAt((int) (bits & 31));
            bits >>>= BITS_PER_CHAR;
        }
        return new Geohash(new String(chars));
    }

    /** Encodes a latitude/longitude in degrees at the given precision. */
    public static Geohash encode(double latitude, double longitude, int precision) {
        if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("geohash: latitude " + latitude + " / longitude " + longitude
                    + " is outside [-90, 90] x [-180, 180]");
        }
        if (precision < 1 || precision > MAX_PRECISION) {
            throw new IllegalArgumentException("geohash: precision " + precision + " is outside 1.." + MAX_PRECISION);
        }
        int totalBits = BITS_PER_CHAR * precision;
        long lonCells = 1L << ((totalBits + 1) / 2);
        long latCells = 1L << (totalBits / 2);
        long lon = Math.min(lonCells - 1, (long) Math.floor((longitude + 180) / 360 * lonCells));
        long lat = Math.min(latCells - 1, (long) Math.floor((latitude + 90) / 180 * latCells));
        return fromLonLat(lon, lat, totalBits);
    }

    @Override
    public String toString() {
        return text;
    }
}
