package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of DhtConfig and SearchLimits: every bad value is named. */
class ConfigTest {
    private static final Path DIR = Path.of("target/unused");
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 0);
    private static final Geohash HERE = Geohash.of("dn5bpsbw");

    @Test
    void defaultsCapTheIdPrecision() {
        assertThat(DhtConfig.of(DIR, LOCAL, List.of(), HERE).idPrecision()).isEqualTo(6);
        assertThat(DhtConfig.of(DIR, LOCAL, List.of(), Geohash.of("dn5")).idPrecision()).isEqualTo(3);
        assertThat(DhtConfig.of(DIR, LOCAL, null, HERE).bootstrap()).isEmpty();
        assertThat(DhtConfig.of(DIR, LOCAL, List.of(), HERE).expiry()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void badConfigsAreNamed() {
        assertThatThrownBy(() -> DhtConfig.of(null, LOCAL, List.of(), HERE)).hasMessageContaining("data directory");
        assertThatThrownBy(() -> DhtConfig.of(DIR, null, List.of(), HERE)).hasMessageContaining("bind address");
        assertThatThrownBy(() -> DhtConfig.of(DIR, new InetSocketAddress("0.0.0.0", 1), List.of(), HERE))
                .hasMessageContaining("0.0.0.0").hasMessageContaining("not a unicast address");
        assertThatThrownBy(() -> DhtConfig.of(DIR, InetSocketAddress.createUnresolved("no.such.host.invalid", 1),
                List.of(), HERE)).hasMessageContaining("does not resolve");
        assertThatThrownBy(() -> DhtConfig.of(DIR, LOCAL, List.of(new InetSocketAddress("127.0.0.1", 0)), HERE))
                .hasMessageContaining("has no port");
        assertThatThrownBy(() -> DhtConfig.of(DIR, LOCAL, Collections.nCopies(65, LOCAL), HERE))
                .hasMessageContaining("65 bootstrap nodes");
        assertThatThrownBy(() -> DhtConfig.of(DIR, LOCAL, List.of(), null)).hasMessageContaining("location");
        assertThatThrownBy(() -> new DhtConfig(DIR, LOCAL, List.of(), Geohash.of("dn5"), 4, Duration.ofMinutes(1)))
                .hasMessageContaining("precision 4 is outside 1..3");
        assertThatThrownBy(() -> DhtConfig.of(DIR, LOCAL, List.of(), HERE).withExpiry(Duration.ofSeconds(1)))
                .hasMessageContaining("expiry PT1S");
        assertThatThrownBy(() -> DhtConfig.of(DIR, LOCAL, List.of(), HERE).withExpiry(Duration.ofDays(2)))
                .hasMessageContaining("expiry PT48H");
    }

    @Test
    void badLimitsAreNamed() {
        Duration t = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new SearchLimits(0, 1, 1, t)).hasMessageContaining("finest precision 0");
        assertThatThrownBy(() -> new SearchLimits(13, 1, 1, t)).hasMessageContaining("finest precision 13");
        assertThatThrownBy(() -> new SearchLimits(5, 6, 1, t)).hasMessageContaining("coarsest precision 6");
        assertThatThrownBy(() -> new SearchLimits(5, 0, 1, t)).hasMessageContaining("coarsest precision 0");
        assertThatThrownBy(() -> new SearchLimits(5, 4, 0, t)).hasMessageContaining("target of 0");
        assertThatThrownBy(() -> new SearchLimits(5, 4, 1001, t)).hasMessageContaining("target of 1001");
        assertThatThrownBy(() -> new SearchLimits(5, 4, 1, Duration.ZERO)).hasMessageContaining("timeout PT0S");
        assertThatThrownBy(() -> new SearchLimits(5, 4, 1, null)).hasMessageContaining("timeout null");
        assertThat(SearchLimits.DEFAULT.finestPrecision()).isEqualTo(6);
    }
}
