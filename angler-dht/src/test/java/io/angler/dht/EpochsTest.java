package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochsTest {
    private static final ResourceUnit UNIT = ResourceUnit.parse("cpu=200m,memory=128Mi");
    private static final PoolKey KEY = PoolKey.of(UNIT, Geohash.of("dn5bps"));

    @Test
    void intervalsFollowFromTheExpiry() {
        Epochs e = new Epochs(Duration.ofMinutes(30));
        assertThat(e.epochLength()).isEqualTo(Duration.ofMinutes(15));
        assertThat(e.reannounceInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(e.epochAt(Instant.ofEpochMilli(0))).isZero();
        assertThat(e.epochAt(Instant.ofEpochMilli(15 * 60_000 - 1))).isZero();
        assertThat(e.epochAt(Instant.ofEpochMilli(15 * 60_000))).isEqualTo(1);
    }

    @Test
    void targetKeepsTheLeadingBytesAndChangesWithTheEpoch() {
        byte[] a = Epochs.target(KEY, 41);
        byte[] b = Epochs.target(KEY, 42);
        assertThat(a).hasSize(20);
        assertThat(Arrays.copyOf(a, Epochs.KEPT_BYTES)).isEqualTo(Arrays.copyOf(KEY.bytes(), Epochs.KEPT_BYTES));
        assertThat(Arrays.copyOf(b, Epochs.KEPT_BYTES)).isEqualTo(Arrays.copyOf(KEY.bytes(), Epochs.KEPT_BYTES));
        assertThat(a).isNotEqualTo(b);
        assertThat(Epochs.target(KEY, 41)).isEqualTo(a);
        // Another unit in the same cell gets another target.
        PoolKey other = PoolKey.of(ResourceUnit.parse("cpu=1"), Geohash.of("dn5bps"));
        assertThat(Epochs.target(other, 41)).isNotEqualTo(a);
    }

    @Test
    void theNextEpochIsAnnouncedShortlyBeforeItStarts() {
        Epochs e = new Epochs(Duration.ofSeconds(60));
        long epochMs = e.epochLength().toMillis();
        Instant start = Instant.ofEpochMilli(100 * epochMs);
        assertThat(e.announceEpochs(start)).containsExactly(100L);
        assertThat(e.announceEpochs(start.plusMillis(epochMs - 1))).containsExactly(100L, 101L);
        long lead = e.reannounceInterval().toMillis() * 3 / 2;
        assertThat(e.announceEpochs(start.plusMillis(epochMs - lead - 1))).containsExactly(100L);
        assertThat(e.announceEpochs(start.plusMillis(epochMs - lead))).containsExactly(100L, 101L);
    }

    /**
     * The promise behind the expiry, checked by simulation: a provider announcing every
     * re-announce interval (at any phase) until it withdraws is found by a requester at any time
     * before the withdrawal, and by none later than {@code expiry} after it.
     */
    @Test
    void aWithdrawnKeyIsFoundAtMostExpiryAfterItsLastAnnounce() {
        Epochs e = new Epochs(Duration.ofSeconds(12));
        long r = e.reannounceInterval().toMillis();
        long expiry = e.expiry().toMillis();
        for (long phase = 0; phase < r; phase += 137) {
            for (long withdrawAt = 50_000; withdrawAt < 62_000; withdrawAt += 251) {
                Set<Long> announced = new HashSet<>();
                long lastTick = 0;
                for (long t = phase; t <= withdrawAt; t += r) {
                    announced.addAll(e.announceEpochs(Instant.ofEpochMilli(t)));
                    lastTick = t;
                }
                for (long q = lastTick; q < withdrawAt; q += 97) {
                    assertThat(announced).as("found while announced at %d", q).contains(e.epochAt(Instant.ofEpochMilli(q)));
                }
                for (long q = withdrawAt + expiry; q < withdrawAt + 3 * expiry; q += 97) {
                    assertThat(announced).as("gone at %d", q).doesNotContain(e.epochAt(Instant.ofEpochMilli(q)));
                }
            }
        }
    }

    @Test
    void tooShortAnExpiryIsRefused() {
        assertThatThrownBy(() -> new Epochs(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expiry");
    }
}
