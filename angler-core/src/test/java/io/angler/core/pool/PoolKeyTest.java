package io.angler.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.unit.ResourceUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolKeyTest {
    private final ResourceUnit unit = ResourceUnit.parse("cpu=200m,memory=128Mi");

    @Test
    void leadingBitsAreTheGeohashInBinaryNotAscii() {
        // dn5b = 01100 10100 00101 01010 -> 0110 0101 | 0000 1010 | 1010 ....
        byte[] hash = unit.sha1();
        byte[] key = PoolKey.of(unit, Geohash.of("dn5b")).bytes();
        assertThat(key[0]).isEqualTo((byte) 0x65);
        assertThat(key[1]).isEqualTo((byte) 0x0A);
        assertThat(key[2] & 0xF0).isEqualTo(0xA0);
        assertThat(key[2] & 0x0F).isEqualTo(hash[2] & 0x0F);
        assertThat(Arrays.copyOfRange(key, 3, 20)).isEqualTo(Arrays.copyOfRange(hash, 3, 20));
        assertThat(key).hasSize(20); // the whole 160-bit hash, not a truncated one
    }

    @Test
    void nearbyCellsShareLeadingBits() {
        PoolKey a = PoolKey.of(unit, Geohash.of("dn5bp"));
        PoolKey b = PoolKey.of(unit, Geohash.of("dn5bq"));
        PoolKey far = PoolKey.of(unit, Geohash.of("u4pru"));
        assertThat(commonPrefixBits(a, b)).isGreaterThanOrEqualTo(20);
        assertThat(commonPrefixBits(a, far)).isLessThan(5);
    }

    private static int commonPrefixBits(PoolKey x, PoolKey y) {
        byte[] a = x.bytes();
        byte[] b = y.bytes();
        for (int i = 0; i < 160; i++) {
            if (((a[i / 8] ^ b[i / 8]) & (0x80 >>> (i % 8))) != 0) {
                return i;
            }
        }
        return 160;
    }

    @Test
    void differentUnitsGiveDifferentKeysInTheSameCell() {
        assertThat(PoolKey.of(unit, Geohash.of("dn5b")))
                .isNotEqualTo(PoolKey.of(ResourceUnit.parse("cpu=1"), Geohash.of("dn5b")))
                .isEqualTo(PoolKey.of(ResourceUnit.parse("memory=134217728,cpu=0.2"), Geohash.of("DN5B")));
    }

    @Test
    void searchOrderIsOwnCellThenNeighboursThenCoarser() {
        List<PoolKey> order = PoolKey.searchOrder(unit, Geohash.of("dn5bpsbw"), 6, 4);
        assertThat(order.get(0).cell()).isEqualTo(Geohash.of("dn5bps"));
        assertThat(order.subList(1, 9)).extracting(PoolKey::cell)
                .containsExactlyInAnyOrderElementsOf(Geohash.of("dn5bps").neighbours());
        assertThat(order.get(9).cell()).isEqualTo(Geohash.of("dn5bp"));
        assertThat(order.get(18).cell()).isEqualTo(Geohash.of("dn5b"));
        assertThat(order).hasSize(27).doesNotHaveDuplicates();
        assertThatThrownBy(() -> PoolKey.searchOrder(unit, Geohash.of("dn5b"), 6, 4)).hasMessageContaining("precision 4");
    }
}
