package io.angler.core.offer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferTest {
    private final ResourceUnit unit = ResourceUnit.parse("cpu=200m,memory=128Mi");
    private final PriceFunction price = PriceFunction.parse("(2*(q-r))+20");

    @Test
    void pricesFromQuantityAndRemaining() {
        Offer offer = new Offer("edge-a", unit, 10, price, Geohash.of("dn5bpsbw"), LeaseLimits.DEFAULT);
        assertThat(offer.priceNow(10)).isEqualTo(20);
        assertThat(offer.priceNow(0)).isEqualTo(40);
        assertThatThrownBy(() -> offer.priceNow(11)).hasMessageContaining("remaining 11");
    }

    @Test
    void announcesOneKeyPerPrecision() {
        Offer offer = new Offer("edge-a", unit, 10, price, Geohash.of("dn5bpsbw"), LeaseLimits.DEFAULT);
        assertThat(offer.poolKeys(Offer.DEFAULT_ANNOUNCE_PRECISIONS)).containsExactly(
                PoolKey.of(unit, Geohash.of("dn5b")), PoolKey.of(unit, Geohash.of("dn5bp")),
                PoolKey.of(unit, Geohash.of("dn5bps")));
        Offer coarse = new Offer("edge-b", unit, 10, price, Geohash.of("dn5"), LeaseLimits.DEFAULT);
        assertThatThrownBy(() -> coarse.poolKeys(List.of(4))).hasMessageContaining("announce precision 4");
    }

    @Test
    void rejectsBadOffers() {
        assertThatThrownBy(() -> new Offer("Edge A", unit, 10, price, Geohash.of("dn5b"), LeaseLimits.DEFAULT))
                .hasMessageContaining("not a DNS label");
        assertThatThrownBy(() -> new Offer("a", unit, -1, price, Geohash.of("dn5b"), LeaseLimits.DEFAULT))
                .hasMessageContaining("quantity -1 is negative");
        assertThatThrownBy(() -> new LeaseLimits(Duration.ofHours(2), Duration.ofHours(1), 1))
                .hasMessageContaining("shorter than the minimum");
        assertThatThrownBy(() -> new LeaseLimits(Duration.ZERO, Duration.ofHours(1), 1))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new LeaseLimits(Duration.ofMinutes(1), Duration.ofHours(1), 0))
                .hasMessageContaining("minimum units 0");
    }

    @Test
    void clampsLeaseDurations() {
        LeaseLimits limits = new LeaseLimits(Duration.ofMinutes(5), Duration.ofHours(1), 1);
        assertThat(limits.clamp(Duration.ofSeconds(1))).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.clamp(Duration.ofHours(3))).isEqualTo(Duration.ofHours(1));
        assertThat(limits.clamp(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(30));
    }
}
