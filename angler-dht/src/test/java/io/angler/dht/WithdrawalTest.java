package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A withdrawn offer disappears within the expiry while the others stay, across several epochs. */
class WithdrawalTest {
    private static final Duration EXPIRY = Duration.ofSeconds(3);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path tmp;

    @Test
    void aWithdrawnOfferStopsBeingFoundAfterTheExpiry() throws Exception {
        ResourceUnit unit = ResourceUnit.parse("cpu=1,memory=1Gi");
        Geohash cell = Geohash.of("u33dc0");
        PoolKey key = PoolKey.of(unit, cell);
        List<Geohash> locations = new ArrayList<>(Collections.nCopies(12, Geohash.of("u33dc0zz")));
        locations.addAll(Collections.nCopies(12, Geohash.of("u33dc1zz")));
        try (DhtNode bootstrap = DhtNode.start(new DhtConfig(tmp.resolve("bootstrap"), new InetSocketAddress(LOOPBACK, 0),
                List.of(), cell, 6, EXPIRY));
             DhtSwarm swarm = DhtSwarm.start(tmp, LOOPBACK, List.of(bootstrap.endpoint()), locations, EXPIRY, null)) {
            swarm.awaitBootstrap(Duration.ofSeconds(20));
            swarm.refresh(Duration.ofMillis(500));
            List<Announcer> announcers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Announcer a = new Announcer(swarm.nodes().get(i), 30000 + i);
                    announcers.add(a);
                    a.announce("offer-" + i, List.of(key)).get(20, TimeUnit.SECONDS);
                }
                Discovery discovery = new Discovery(swarm.nodes().get(20));
                Set<InetSocketAddress> all = Set.of(service(0), service(1), service(2));
                assertThat(Set.copyOf(discovery.lookup(key, Duration.ofSeconds(5)).providers())).isEqualTo(all);

                announcers.get(0).withdraw("offer-0");
                assertThat(announcers.get(0).offers()).isEmpty();
                Thread.sleep(EXPIRY.toMillis() + 200);
                // Checked over three more epochs: gone for good, while the others are announced into each.
                for (int round = 0; round < 3; round++) {
                    Lookup lookup = discovery.lookup(key, Duration.ofSeconds(5));
                    assertThat(lookup.complete()).isTrue();
                    assertThat(Set.copyOf(lookup.providers())).as("round %d", round)
                            .isEqualTo(Set.of(service(1), service(2)));
                    Thread.sleep(new Epochs(EXPIRY).epochLength().toMillis());
                }
            } finally {
                announcers.forEach(Announcer::close);
            }
        }
    }

    private static InetSocketAddress service(int i) {
        return new InetSocketAddress(LOOPBACK, 30000 + i);
    }
}
