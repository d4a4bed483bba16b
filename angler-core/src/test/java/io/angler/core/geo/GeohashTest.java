package io.angler.core.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.hsr.geohash.GeoHash;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeohashTest {

    @Test
    void bitsAreFiveBitsPerCharacter() {
        // d=12, n=20, 5=5, b=10 in the geohash alphabet
        assertThat(Geohash.of("dn5b").bits()).isEqualTo((12L << 15) | (20L << 10) | (5L << 5) | 10L);
        assertThat(Geohash.of("DN5B")).isEqualTo(Geohash.of("dn5b"));
        assertThat(Geohash.of("zzzzzzzzzzzz").bits()).isEqualTo((1L << 60) - 1);
    }

    @Test
    void neighboursAgreeWithAnIndependentImplementation() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            double lat = rnd.nextDouble(-80, 80);
            double lon = rnd.nextDouble(-180, 180);
            int precision = 1 + rnd.nextInt(Geohash.MAX_PRECISION);
            GeoHash oracle = GeoHash.withCharacterPrecision(lat, lon, precision);
            Geohash cell = Geohash.of(oracle.toBase32());
            if (oracle.getBoundingBox().getNorthLatitude() >= 90 || oracle.getBoundingBox().getSouthLatitude() <= -90) {
                continue; // polar cells: the library wraps over the pole, we stop there
            }
            List<String> expected = Arrays.stream(oracle.getAdjacent()).map(GeoHash::toBase32).distinct().toList();
            assertThat(cell.neighbours()).extracting(Geohash::text).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(Geohash.encode(lat, lon, precision)).isEqualTo(cell);
        }
    }

    @Test
    void neighboursWrapAcrossTheAntimeridianAndStopAtThePoles() {
        Geohash east = Geohash.encode(0.1, 179.9, 4);
        assertThat(east.neighbours()).contains(Geohash.encode(0.1, -179.9, 4));
        Geohash north = Geohash.encode(89.99, 10, 3);
        assertThat(north.neighbours()).hasSize(5);
        assertThat(Geohash.of("d").neighbours()).hasSize(8);
    }

    @Test
    void prefixGivesTheCoarserCell() {
        assertThat(Geohash.of("dn5bpsbw").prefix(4)).isEqualTo(Geohash.of("dn5b"));
        assertThatThrownBy(() -> Geohash.of("dn5b").prefix(5)).hasMessageContaining("precision 5");
        assertThatThrownBy(() -> Geohash.of("dn5b").prefix(0)).hasMessageContaining("precision 0");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty",
        "dn5a|'a' at position 4",
        "dn5i|'i' at position 4",
        "dnlo|'l' at position 3",
        "dn-5|'-' at position 3",
        "dn5bpsbwdn5bp|at most 12",
    })
    void rejectsMalformedGeohashes(String text, String message) {
        assertThatThrownBy(() -> Geohash.of(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("geohash").hasMessageContaining(message);
    }

    @Test
    void rejectsOutOfRangeCoordinates() {
        assertThatThrownBy(() -> Geohash.encode(91, 0, 4)).hasMessageContaining("latitude 91");
        assertThatThrownBy(() -> Geohash.encode(0, Double.NaN, 4)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Geohash.encode(0, 0, 13)).hasMessageContaining("precision 13");
    }
}
