package io.angler.mpc.wrk;

/**
 * How many leaky AND triples to make and how many to combine per bucket.
 *
 * <p>A leaky triple may leak its x to an adversary who guessed an honest party's share bit in the
 * leaky-AND step; each guess is caught (the session aborts) with probability 1/2. Triples are
 * permuted at random (with coins tossed after they are fixed) and combined B at a time by XOR of
 * their x; a combined triple leaks only if all B of its bucket leaked. With N = ℓ·B triples in ℓ
 * buckets and t leaked ones, the chance that some bucket is all leaked is at most
 * ℓ·C(t,B)/C(N,B) (union bound over buckets, each a uniform B-subset), and the chance of not being
 * caught is 2^-t, so the adversary wins with probability at most
 * max over t of 2^-t · min(1, ℓ·C(t,B)/C(N,B)). This is WRK17a's analysis; it gives their table
 * (B = 5 up to about 3,100 buckets, 4 up to 280,000, then 3).
 *
 * <p>More buckets make each one safer, so making a few more triples than there are AND gates can be
 * cheaper overall: {@link #choose} picks the pair (buckets ≥ AND gates, B) with the fewest triples.
 */
record BucketSize(int buckets, int bucketSize) {
    /** Choices made so far, by (AND gates, ρ): the search costs milliseconds and every session of a circuit repeats it. */
    private static final java.util.Map<Long, BucketSize> CHOSEN = new java.util.concurrent.ConcurrentHashMap<>();

    int triples() {
        return buckets * bucketSize;
    }

    /** The cheapest (buckets, B) with at least {@code andGates} buckets and failure at most 2^-rho. */
    static BucketSize choose(int andGates, int rho) {
        if (CHOSEN.size() > 256) {
            CHOSEN.clear(); // bounded: a node uses a handful of circuit sizes
        }
        return CHOSEN.computeIfAbsent(((long) andGates << 8) | rho, k -> search(andGates, rho));
    }

    private static BucketSize search(int andGates, int rho) {
        if (andGates <= 0) {
            return new BucketSize(0, 0);
        }
        BucketSize best = null;
        for (int b = 2; b <= rho + 1; b++) {
            long lo = andGates;
            if (!secure(lo, b, rho)) {
                long hi = lo;
                while (!secure(hi, b, rho)) {
                    hi *= 2;
                    if (hi > (1L << 26)) {
                        hi = -1;
                        break;
                    }
                }
                if (hi < 0) {
                    continue;
                }
                while (lo < hi) { // smallest secure bucket count in [lo, hi]
                    long mid = (lo + hi) >>> 1;
                    if (secure(mid, b, rho)) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
            }
            long cost = lo * b;
            if (best == null || cost < (long) best.triples()) {
                best = new BucketSize((int) lo, b);
            }
        }
        return best;
    }

    /** Whether ℓ buckets of size B fail with probability at most 2^-rho. */
    static boolean secure(long buckets, int b, int rho) {
        return log2Failure(buckets, b) <= -rho;
    }

    /** log2 of max over t ≥ B of 2^-t · min(1, ℓ·C(t,B)/C(ℓB,B)). */
    static double log2Failure(long buckets, int b) {
        long n = buckets * b;
        double logCnb = log2Binomial(n, b);
        double worst = Double.NEGATIVE_INFINITY;
        // 2^-t·C(t,B) grows while t < 2B-1 and shrinks after; scan well past the peak.
        long tMax = Math.min(n, 4L * b + 64);
        for (long t = b; t <= tMax; t++) {
            double p = Math.min(0, log2(buckets) + log2Binomial(t, b) - logCnb);
            worst = Math.max(worst, p - t);
        }
        return worst;
    }

    private static double log2Binomial(long n, int k) {
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += log2(n - i) - log2(i + 1);
        }
        return s;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
