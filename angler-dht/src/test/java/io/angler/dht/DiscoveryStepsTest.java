package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryStepsTest {
    @Test
    void stepsAreOwnCellThenNeighboursPerPrecision() {
        ResourceUnit unit = ResourceUnit.parse("cpu=1");
        Geohash here = Geohash.of("dn5bpsbw");
        List<List<PoolKey>> steps = Discovery.steps(PoolKey.searchOrder(unit, here, 6, 4), here);
        assertThat(steps).hasSize(6);
        assertThat(steps.get(0)).extracting(PoolKey::cell).containsExactly(Geohash.of("dn5bps"));
        assertThat(steps.get(1)).extracting(PoolKey::cell)
                .containsExactlyInAnyOrderElementsOf(Geohash.of("dn5bps").neighbours());
        assertThat(steps.get(2)).extracting(PoolKey::cell).containsExactly(Geohash.of("dn5bp"));
        assertThat(steps.get(3)).extracting(PoolKey::cell)
                .containsExactlyInAnyOrderElementsOf(Geohash.of("dn5bp").neighbours());
        assertThat(steps.get(4)).extracting(PoolKey::cell).containsExactly(Geohash.of("dn5b"));
        assertThat(steps.get(5)).hasSize(8);
    }

    @Test
    void aPolarCellHasFewerNeighbours() {
        Geohash pole = Geohash.of("zzzz");
        List<List<PoolKey>> steps = Discovery.steps(PoolKey.searchOrder(ResourceUnit.parse("cpu=1"), pole, 4, 4), pole);
        assertThat(steps).hasSize(2);
        assertThat(steps.get(1)).hasSize(pole.neighbours().size()).hasSizeLessThan(8);
    }
}
