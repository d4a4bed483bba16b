package io.angler.core.pool;

import io.angler.core.geo.Geohash;
import io.angler.core.unit.ResourceUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The DHT key under which providers of one resource unit in one area meet: the SHA-1 of the
 * unit's canonical form with its leading {@code 5 * precision} bits replaced by the binary value of
 * the geohash cell. Keys of nearby cells therefore share leading bits, as do the node IDs of nodes
 * in those cells.
 */
public final class PoolKey {
    public static final int BYTES = 20;

    private final byte[] bytes;
    private final Geohash cell;

    private PoolKey(byte[] bytes, Geohash cell) {
        this.bytes = bytes;
        this.cell = cell;
    }

    /** The key for {@code unit} in {@code cell} (whose precision is the key's precision). */
    public static PoolKey of(ResourceUnit unit, Geohash cell) {
        return new PoolKey(overlay(unit.sha1(), cell), cell);
    }

    /**
     * Replaces the leading bits of a 160-bit value with the cell's bits (big-endian bit order).
     * Pool keys are made this way, and so are DHT node IDs (random bits under the node's cell).
     */
    public static byte[] overlay(byte[] hash, Geohash cell) {
        if (hash.length != BYTES) {
            throw new IllegalArgumentException("pool key: hash has " + hash.length + " bytes, expected " + BYTES);
        }
        byte[] out = hash.clone();
        int n = Geohash.BITS_PER_CHAR * cell.precision();
        long bits = cell.bits();
        for (int i = 0; i < n; i++) {
            int bit = (int) ((bits >>> (n - 1 - i)) & 1);
            int mask = 0x80 >>> (i % 8);
            out[i / 8] = (byte) (bit == 1 ? (out[i / 8] | mask) : (out[i / 8] & ~mask));
        }
        return out;
    }

    /**
     * The order in which a requester searches: its own cell at the finest precision, then that
     * cell's neighbours, then the same two steps at each coarser precision down to
     * {@code coarsestPrecision}. Cells already covered by a coarser search are not repeated.
     */
    public static List<PoolKey> searchOrder(ResourceUnit unit, Geohash location, int finestPrecision,
                                            int coarsestPrecision) {
        if (coarsestPrecision < 1 || finestPrecision > location.precision() || coarsestPrecision > finestPrecision) {
            throw new IllegalArgumentException("pool key: precisions " + coarsestPrecision + ".." + finestPrecision
                    + " do not fit a location of precision " + location.precision());
        }
        Set<Geohash> cells = new LinkedHashSet<>();
        for (int p = finestPrecision; p >= coarsestPrecision; p--) {
            Geohash own = location.prefix(p);
            cells.add(own);
            cells.addAll(own.neighbours());
        }
        List<PoolKey> keys = new ArrayList<>(cells.size());
        for (Geohash c : cells) {
            keys.add(of(unit, c));
        }
        return keys;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Geohash cell() {
        return cell;
    }

    public int precision() {
        return cell.precision();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex() + " (" + cell + ")";
    }
}
