package io.angler.dht;

import io.angler.core.pool.PoolKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Makes a withdrawn offer disappear within a configurable time. libtorrent keeps an announced peer
 * for 45 minutes (a constant in its DHT storage) and BEP 5 has no way to remove one, so the DHT
 * key under which a pool key is announced rotates: time is cut into epochs of {@code expiry / 2},
 * and in epoch {@code e} a pool key is announced and looked up under {@link #target(PoolKey, long)}.
 * A provider re-announces every {@code epoch / 3} and, shortly before an epoch ends, announces the
 * next epoch's key too; a requester looks up the current epoch only. An offer that stops being
 * announced is therefore found at most {@code epoch + 1.5 * reannounce = 0.75 * expiry} after its
 * last announce, and a live one is found across epoch boundaries as long as clocks agree within
 * half a re-announce interval.
 *
 * <p>The target keeps the pool key's first 8 bytes (the geohash bits, at most 60, and the start of
 * the unit hash), so a rotated key stays in the same region of the ID space, near the same nodes.
 * The remaining 12 bytes are a hash of the whole pool key and the epoch number.
 *
 * @param expiry the most time a withdrawn offer may still be found
 */
public record Epochs(Duration expiry) {
    static final int KEPT_BYTES = 8;
    private static final byte[] DOMAIN = "angler-dht-epoch-v1".getBytes(StandardCharsets.US_ASCII);

    public Epochs {
        if (expiry == null || expiry.compareTo(DhtConfig.MIN_EXPIRY) < 0) {
            throw new IllegalArgumentException("dht: expiry " + expiry + " is shorter than " + DhtConfig.MIN_EXPIRY);
        }
    }

    public Duration epochLength() {
        return expiry.dividedBy(2);
    }

    /** How often a provider announces each of its keys again. */
    public Duration reannounceInterval() {
        return epochLength().dividedBy(3);
    }

    public long epochAt(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), epochLength().toMillis());
    }

    /** The epochs a provider announces at {@code now}: the current one, and the next if it starts soon. */
    public Set<Long> announceEpochs(Instant now) {
        Duration lead = reannounceInterval().multipliedBy(3).dividedBy(2);
        Set<Long> epochs = new LinkedHashSet<>();
        epochs.add(epochAt(now));
        epochs.add(epochAt(now.plus(lead)));
        return epochs;
    }

    /** The DHT key (info-hash) under which {@code key} is announced and looked up in {@code epoch}. */
    public static byte[] target(PoolKey key, long epoch) {
        byte[] pool = key.bytes();
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
        sha1.update(DOMAIN);
        sha1.update(pool);
        sha1.update(ByteBuffer.allocate(Long.BYTES).putLong(epoch).array());
        byte[] mixed = sha1.digest();
        byte[] out = new byte[PoolKey.BYTES];
        System.arraycopy(pool, 0, out, 0, KEPT_BYTES);
        System.arraycopy(mixed, 0, out, KEPT_BYTES, PoolKey.BYTES - KEPT_BYTES);
        return out;
    }
}
