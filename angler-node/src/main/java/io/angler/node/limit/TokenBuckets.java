package io.angler.node.limit;

import io.angler.node.config.RateLimitSettings;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets keyed by a string (a requester identity or an address), in bounded memory. A
 * bucket that has been idle long enough to refill completely is indistinguishable from a new one,
 * so it is forgotten. If the table is still full of active keys, the least recently used key is
 * forgotten: that gives it a fresh bucket, which an attacker with more addresses than the table
 * holds could exploit; the table size ({@code maxTracked}) should be well above the number of
 * requesters a provider expects to see within one refill period.
 */
public final class TokenBuckets {
    private final double capacity;
    private final double perNano;
    private final int maxTracked;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

    public TokenBuckets(RateLimitSettings.Bucket settings, int maxTracked, LongSupplier nanoTime) {
        this.capacity = settings.burst();
        this.perNano = settings.perMinute() / 60e9;
        this.maxTracked = maxTracked;
        this.nanoTime = nanoTime;
    }

    /** Takes one token for {@code key}; false if its bucket is empty. */
    public synchronized boolean tryTake(String key) {
        long now = nanoTime.getAsLong();
        Bucket b = buckets.get(key);
        if (b == null) {
            makeRoom(now);
            b = new Bucket(capacity, now);
            buckets.put(key, b);
        } else {
            b.refill(now, capacity, perNano);
        }
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Gives back a token taken for a session that was then refused for another reason. */
    public synchronized void giveBack(String key) {
        Bucket b = buckets.get(key);
        if (b != null) {
            b.tokens = Math.min(capacity, b.tokens + 1);
        }
    }

    public synchronized int tracked() {
        return buckets.size();
    }

    private void makeRoom(long now) {
        if (buckets.size() < maxTracked) {
            return;
        }
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Bucket b = it.next().getValue();
            b.refill(now, capacity, perNano);
            if (b.tokens >= capacity) {
                it.remove();
            }
        }
        if (buckets.size() >= maxTracked) {
            Iterator<Map.Entry<String, Bucket>> eldest = buckets.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private static final class Bucket {
        double tokens;
        long last;

        Bucket(double tokens, long last) {
            this.tokens = tokens;
            this.last = last;
        }

        void refill(long now, double capacity, double perNano) {
            if (now > last) {
                tokens = Math.min(capacity, tokens + (now - last) * perNano);
                last = now;
            }
        }
    }
}
