package io.angler.mpc.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SortingNetworkTest {
    /** The 0-1 principle: a comparator network sorts everything iff it sorts every 0/1 sequence. */
    @Test
    void sortsEveryZeroOneSequenceUpTo16() {
        for (int n = 1; n <= 16; n++) {
            int[][] net = SortingNetwork.comparators(n);
            for (int v = 0; v < 1 << n; v++) {
                int x = v;
                for (int[] c : net) {
                    int a = (x >>> c[0]) & 1;
                    int b = (x >>> c[1]) & 1;
                    if (a > b) {
                        x ^= (1 << c[0]) | (1 << c[1]);
                    }
                }
                // sorted ascending: all zeros first, then ones
                int ones = Integer.bitCount(x);
                assertThat(x).as("n=%d input %s", n, Integer.toBinaryString(v)).isEqualTo(((1 << ones) - 1) << (n - ones));
            }
        }
    }

    @Test
    void sortsRandomArraysUpTo64() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int n = 1; n <= 64; n++) {
            int[][] net = SortingNetwork.comparators(n);
            for (int[] c : net) {
                assertThat(c[0]).isLessThan(c[1]);
                assertThat(c[1]).isLessThan(n);
            }
            for (int round = 0; round < 50; round++) {
                int[] a = rnd.ints(n, 0, 5).toArray();
                int[] want = a.clone();
                Arrays.sort(want);
                for (int[] c : net) {
                    if (a[c[0]] > a[c[1]]) {
                        int t = a[c[0]];
                        a[c[0]] = a[c[1]];
                        a[c[1]] = t;
                    }
                }
                assertThat(a).isEqualTo(want);
            }
        }
    }

    @Test
    void hasBatchersSizes() {
        assertThat(SortingNetwork.comparators(8).length).isEqualTo(19);
        assertThat(SortingNetwork.comparators(16).length).isEqualTo(63);
        assertThat(SortingNetwork.comparators(32).length).isEqualTo(191);
        assertThat(SortingNetwork.comparators(1)).isEmpty();
    }
}
