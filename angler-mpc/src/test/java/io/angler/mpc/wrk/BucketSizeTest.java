package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketSizeTest {
    @Test
    void agreesWithWrk17aTable() {
        // WRK17a, Table 4 (rho = 40): B = 5 below about 3,100 buckets, 4 up to 280,000, then 3.
        assertThat(BucketSize.choose(2_000, 40).bucketSize()).isEqualTo(5);
        assertThat(BucketSize.choose(3_100, 40).bucketSize()).isEqualTo(4);
        assertThat(BucketSize.choose(200_000, 40).bucketSize()).isEqualTo(4);
        assertThat(BucketSize.choose(300_000, 40).bucketSize()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 10, 163, 361, 757, 1549, 3133, 7200, 100_000})
    void choiceIsSecureAndOneLessIsNot(int ands) {
        BucketSize b = BucketSize.choose(ands, 40);
        assertThat(b.buckets()).isGreaterThanOrEqualTo(ands);
        assertThat(BucketSize.log2Failure(b.buckets(), b.bucketSize())).isLessThanOrEqualTo(-40);
        assertThat(BucketSize.secure(ands, b.bucketSize() - 1, 40)).isFalse();
    }

    @Test
    void moreBucketsAreSaferAndNoneAreNeededWithoutAndGates() {
        assertThat(BucketSize.log2Failure(1_000, 4)).isLessThan(BucketSize.log2Failure(500, 4));
        assertThat(BucketSize.choose(0, 40).triples()).isZero();
        // a single AND gate: cheaper to make 40 triples than hundreds of buckets
        assertThat(BucketSize.choose(1, 40).triples()).isEqualTo(40);
    }
}
