package io.angler.node.config;

/**
 * How many sessions a provider accepts per requester identity and per requester address.
 *
 * @param perIdentity bucket for one requester certificate fingerprint
 * @param perAddress bucket for one IPv4 address or IPv6 /64 prefix
 * @param maxTracked most identities (and, separately, addresses) remembered at once; bounds memory
 */
public record RateLimitSettings(Bucket perIdentity, Bucket perAddress, int maxTracked) {
    public static final RateLimitSettings DEFAULT =
            new RateLimitSettings(new Bucket(10, 30), new Bucket(30, 120), 10_000);

    public RateLimitSettings {
        if (perIdentity == null || perAddress == null) {
            throw new IllegalArgumentException("rate limits: perIdentity and perAddress are required");
        }
        if (maxTracked < 16 || maxTracked > 10_000_000) {
            throw new IllegalArgumentException("rate limits: maxTracked " + maxTracked + " is outside 16..10000000");
        }
    }

    /**
     * A token bucket: {@code burst} sessions at once, refilled at {@code perMinute}.
     *
     * @param burst bucket size, at least 1
     * @param perMinute refill rate in sessions per minute, above 0
     */
    public record Bucket(int burst, double perMinute) {
        public Bucket {
            if (burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException("rate limit: burst " + burst + " is outside 1..1000000");
            }
            if (!(perMinute > 0 && perMinute <= 1_000_000)) {
                throw new IllegalArgumentException("rate limit: perMinute " + perMinute + " is outside (0, 1000000]");
            }
        }
    }
}
