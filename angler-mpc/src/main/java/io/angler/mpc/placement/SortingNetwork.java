package io.angler.mpc.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * Batcher's odd-even merge sort as a fixed list of comparators, for any number of elements. The
 * network is built for the next power of two; comparators that touch a position beyond the real
 * elements are dropped, which is sound because those positions hold conceptual +infinity keys that
 * no comparator ever moves.
 */
final class SortingNetwork {
    private SortingNetwork() {
    }

    /** Comparators {@code {i, j}} with {@code i < j}, in order: each puts the smaller key at i. */
    static int[][] comparators(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("sorting network: " + n + " elements");
        }
        int size = Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
        List<int[]> out = new ArrayList<>();
        // Merge sorted runs of length p into runs of length 2p; within a merge, compare elements k
        // apart, for k = p, p/2, ..., 1, only inside the same 2p-run.
        for (int p = 1; p < size; p <<= 1) {
            for (int k = p; k >= 1; k >>= 1) {
                for (int j = k % p; j + k < size; j += 2 * k) {
                    for (int i = 0; i < k && i + j + k < size; i++) {
                        int lo = i + j;
                        int hi = i + j + k;
                        if (lo / (2 * p) == hi / (2 * p) && hi < n) {
                            out.add(new int[] {lo, hi});
                        }
                    }
                }
            }
        }
        return out.toArray(new int[0][]);
    }
}
