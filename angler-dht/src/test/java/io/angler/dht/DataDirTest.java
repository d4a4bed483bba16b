package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
    @TempDir
    Path tmp;

    @Test
    void nodeIdStartsWithTheCellAndIsKept() throws Exception {
        Geohash cell = Geohash.of("dn5bps");
        byte[] id;
        try (DataDir dir = DataDir.open(tmp)) {
            id = dir.nodeId(cell);
        }
        assertThat(id).hasSize(20);
        assertThat(PoolKey.overlay(id, cell)).isEqualTo(id);
        // The 30 leading bits are the cell's: compare with an independent computation of the bits.
        long leading = ((id[0] & 0xffL) << 24 | (id[1] & 0xffL) << 16 | (id[2] & 0xffL) << 8 | (id[3] & 0xffL)) >>> 2;
        assertThat(leading).isEqualTo(cell.bits());
        try (DataDir dir = DataDir.open(tmp)) {
            assertThat(dir.nodeId(cell)).isEqualTo(id);
            // A node that moved gets a new ID under its new cell.
            byte[] moved = dir.nodeId(Geohash.of("9q8yyk"));
            assertThat(moved).isNotEqualTo(id);
            assertThat(PoolKey.overlay(moved, Geohash.of("9q8yyk"))).isEqualTo(moved);
        }
    }

    @Test
    void randomBitsDifferBetweenNodes() throws Exception {
        Geohash cell = Geohash.of("dn5bps");
        try (DataDir a = DataDir.open(tmp.resolve("a")); DataDir b = DataDir.open(tmp.resolve("b"))) {
            assertThat(Arrays.copyOfRange(a.nodeId(cell), 4, 20)).isNotEqualTo(Arrays.copyOfRange(b.nodeId(cell), 4, 20));
        }
    }

    @Test
    void aCorruptIdFileIsReplaced() throws Exception {
        Files.writeString(tmp.resolve(DataDir.NODE_ID), "not hex\n");
        try (DataDir dir = DataDir.open(tmp)) {
            byte[] id = dir.nodeId(Geohash.of("dn5"));
            assertThat(Files.readString(tmp.resolve(DataDir.NODE_ID)).strip()).hasSize(40);
            assertThat(PoolKey.overlay(id, Geohash.of("dn5"))).isEqualTo(id);
        }
    }

    @Test
    void oneNodePerDirectory() {
        try (DataDir dir = DataDir.open(tmp)) {
            assertThat(dir.path()).isEqualTo(tmp);
            assertThatThrownBy(() -> DataDir.open(tmp)).isInstanceOf(DhtException.class).hasMessageContaining("in use");
        }
        DataDir.open(tmp).close();
    }

    @Test
    void routingStateRoundTrips() {
        try (DataDir dir = DataDir.open(tmp)) {
            assertThat(dir.routingState()).isNull();
            dir.saveRoutingState(new byte[] {1, 2, 3});
            assertThat(dir.routingState()).containsExactly(1, 2, 3);
        }
    }
}
