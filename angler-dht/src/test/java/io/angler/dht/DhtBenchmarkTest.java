package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhtBenchmarkTest {
    @Test
    void aSmallRunFindsEveryProviderAndReportsItsFigures() {
        List<String> progress = new ArrayList<>();
        DhtBenchmark.Result r = DhtBenchmark.run(new DhtBenchmark.Options(30, 4, 20, 3,
                InetAddress.getLoopbackAddress()), progress::add);
        assertThat(r.nodes()).isEqualTo(30);
        assertThat(r.lookups()).isEqualTo(20);
        assertThat(r.found()).isEqualTo(20);
        assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
        assertThat(r.p99Ms()).isLessThanOrEqualTo(r.maxMs());
        assertThat(r.messagesPerLookup()).isPositive();
        assertThat(r.toMap()).containsKeys("nodes", "lookups", "found", "p50_ms", "p99_ms").containsEntry("success", 1.0);
        assertThat(progress).isNotEmpty().last().asString().contains("lookups done");
    }

    @Test
    void percentilesAreNearestRank() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(DhtBenchmark.percentile(v, 50)).isEqualTo(5);
        assertThat(DhtBenchmark.percentile(v, 90)).isEqualTo(9);
        assertThat(DhtBenchmark.percentile(v, 99)).isEqualTo(10);
        assertThat(DhtBenchmark.percentile(new double[] {4}, 50)).isEqualTo(4);
    }

    @Test
    void badOptionsAreNamed() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        assertThatThrownBy(() -> new DhtBenchmark.Options(1, 1, 1, 0, lo)).hasMessageContaining("--nodes 1");
        assertThatThrownBy(() -> new DhtBenchmark.Options(10, 10, 1, 0, lo)).hasMessageContaining("--providers 10");
        assertThatThrownBy(() -> new DhtBenchmark.Options(10, 1, 0, 0, lo)).hasMessageContaining("--lookups 0");
        assertThat(DhtBenchmark.cells()).hasSize(1 + 8 + 8 + 2).doesNotHaveDuplicates();
    }
}
