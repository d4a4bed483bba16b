package io.angler.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.Offer;
import io.angler.core.pool.PoolKey;
import io.angler.core.unit.ResourceUnit;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A 111-node pool on loopback: a bootstrap node and 110 nodes spread over a few cells around
 * {@code dn5bps} and one far away ({@code 9q8yyk}); ten of them are providers. Expiry is covered
 * by {@link WithdrawalTest}. What each lookup
 * must return is worked out from the providers' locations alone (the oracle), never from the DHT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DhtNetworkTest {
    private static final int NODES = 110;
    /** Long enough that no re-announce happens during the test; WithdrawalTest covers expiry. */
    private static final Duration EXPIRY = Duration.ofMinutes(10);
    private static final List<Integer> PRECISIONS = Offer.DEFAULT_ANNOUNCE_PRECISIONS;
    private static final ResourceUnit UNIT = ResourceUnit.parse("cpu=200m,memory=128Mi");
    private static final Geohash REQUESTER = Geohash.of("dn5bpsbw");
    private static final Geohash OWN = REQUESTER.prefix(6);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Path base;
    private DhtNode bootstrap;
    private DhtSwarm swarm;
    /** Provider index to its cell; provider i is swarm node i and announces service port 20000 + i. */
    private final Map<Integer, Geohash> providerCells = new LinkedHashMap<>();
    private final Map<Integer, Announcer> announcers = new LinkedHashMap<>();
    private final Set<Integer> stopped = new HashSet<>();
    private Geohash neighbourA;
    private Geohash neighbourB;
    private Geohash sameParent;
    private Geohash sameGrandparent;

    @BeforeAll
    void startPool() throws Exception {
        base = Files.createTempDirectory("angler-dht-test");
        List<Geohash> own6 = OWN.neighbours();
        neighbourA = own6.get(0);
        neighbourB = own6.get(4);
        sameParent = cellsOf(OWN.prefix(5)).filter(c -> !c.equals(OWN) && !own6.contains(c)).findFirst().orElseThrow();
        Geohash parent = OWN.prefix(5);
        Geohash otherParent = cellsOf(parent.prefix(4))
                .filter(c -> !c.equals(parent) && !parent.neighbours().contains(c)).findFirst().orElseThrow();
        sameGrandparent = Geohash.of(otherParent.text() + "b");
        List<Geohash> cells = List.of(OWN, OWN, OWN, neighbourA, neighbourB, sameParent, sameParent, sameGrandparent,
                Geohash.of("9q8yyk"), Geohash.of("9q8yym"));
        for (int i = 0; i < cells.size(); i++) {
            providerCells.put(i, cells.get(i));
        }
        Random random = new Random(7);
        List<Geohash> locations = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Geohash cell = i < cells.size() ? cells.get(i) : cells.get(random.nextInt(cells.size()));
            locations.add(Geohash.of(cell.text() + "zz"));
        }
        bootstrap = DhtNode.start(new DhtConfig(base.resolve("bootstrap"), new InetSocketAddress(LOOPBACK, 0), List.of(),
                REQUESTER, 6, EXPIRY));
        swarm = DhtSwarm.start(base, LOOPBACK, List.of(bootstrap.endpoint()), locations, EXPIRY, null);
        swarm.awaitBootstrap(Duration.ofSeconds(30));
        swarm.refresh(Duration.ofSeconds(1));
        List<CompletableFuture<Void>> rounds = new ArrayList<>();
        for (int i : providerCells.keySet()) {
            Announcer a = new Announcer(node(i), 20000 + i);
            announcers.put(i, a);
            rounds.add(a.announce("offer", keysOf(i)));
        }
        for (CompletableFuture<Void> r : rounds) {
            r.get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopPool() throws IOException {
        announcers.values().forEach(Announcer::close);
        if (swarm != null) {
            swarm.close();
        }
        if (bootstrap != null) {
            bootstrap.close();
        }
        if (base != null) {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theRequesterFindsItsOwnCellFirstAndWidensAsSpecified() {
        Discovery discovery = new Discovery(requester(0));

        Search own = discovery.search(UNIT, REQUESTER, new SearchLimits(6, 4, 3, Duration.ofSeconds(10)));
        assertThat(own.lookups()).hasSize(1);
        assertThat(endpoints(own.candidates())).containsExactlyInAnyOrderElementsOf(providersIn(OWN));
        assertThat(own.candidates()).allSatisfy(c -> {
            assertThat(c.precision()).isEqualTo(6);
            assertThat(c.key()).isEqualTo(PoolKey.of(UNIT, OWN));
        });

        Search neighbours = discovery.search(UNIT, REQUESTER, new SearchLimits(6, 4, 5, Duration.ofSeconds(10)));
        assertThat(neighbours.lookups()).hasSize(1 + OWN.neighbours().size());
        assertThat(endpoints(neighbours.candidates()).subList(0, 3)).containsExactlyInAnyOrderElementsOf(providersIn(OWN));
        assertThat(endpoints(neighbours.candidates()).subList(3, 5))
                .containsExactlyInAnyOrderElementsOf(union(providersIn(neighbourA), providersIn(neighbourB)));
        assertThat(neighbours.candidates()).allSatisfy(c -> assertThat(c.precision()).isEqualTo(6));

        Search coarser = discovery.search(UNIT, REQUESTER, new SearchLimits(6, 4, 7, Duration.ofSeconds(10)));
        assertThat(coarser.lookups()).hasSize(1 + 8 + 1);
        assertThat(coarser.candidates().subList(5, 7)).allSatisfy(c -> {
            assertThat(c.precision()).isEqualTo(5);
            assertThat(c.key()).isEqualTo(PoolKey.of(UNIT, OWN.prefix(5)));
        });
        assertThat(endpoints(coarser.candidates().subList(5, 7))).containsExactlyInAnyOrderElementsOf(providersIn(sameParent));

        Search all = discovery.search(UNIT, REQUESTER, new SearchLimits(6, 4, 100, Duration.ofSeconds(10)));
        assertThat(all.timedOut()).isFalse();
        assertThat(all.lookups()).hasSize(PoolKey.searchOrder(UNIT, REQUESTER, 6, 4).size());
        Set<InetSocketAddress> near = providerCells.entrySet().stream()
                .filter(e -> e.getValue().prefix(3).equals(OWN.prefix(3)))
                .map(e -> service(e.getKey())).collect(Collectors.toSet());
        assertThat(near).hasSize(8);
        assertThat(endpoints(all.candidates())).containsExactlyInAnyOrderElementsOf(near);
        assertThat(all.candidates()).filteredOn(c -> providersIn(sameGrandparent).contains(c.endpoint()))
                .singleElement().satisfies(c -> assertThat(c.precision()).isEqualTo(4));
        assertThat(all.messages()).isPositive();
    }

    @Test
    @Order(2)
    void everyLookupFindsEveryProviderAnnouncedUnderItsKey() {
        Set<PoolKey> keys = new HashSet<>();
        providerCells.keySet().forEach(i -> keys.addAll(keysOf(i)));
        int r = 0;
        for (PoolKey key : keys) {
            Lookup lookup = new Discovery(requester(r++)).lookup(key, Duration.ofSeconds(10));
            assertThat(lookup.complete()).isTrue();
            assertThat(Set.copyOf(lookup.providers())).as("providers of %s", key.cell()).isEqualTo(expected(key));
        }
    }

    @Test
    @Order(3)
    void badInputGivesClearErrorsAndNoHang() throws Exception {
        Discovery discovery = new Discovery(requester(1));
        assertThatThrownBy(() -> discovery.find(UNIT, Geohash.of("dn5bp"), SearchLimits.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coarser than the finest");
        assertThatThrownBy(() -> Geohash.of("dn5bpa")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' at position 6");

        long start = System.nanoTime();
        Search unknown = discovery.search(ResourceUnit.parse("nvidia.com/gpu=1"), REQUESTER, SearchLimits.DEFAULT);
        assertThat(unknown.candidates()).isEmpty();
        assertThat(unknown.timedOut()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SearchLimits.DEFAULT.timeout());

        assertThatThrownBy(() -> new Announcer(requester(1), 0)).hasMessageContaining("service port 0");
        try (Announcer a = new Announcer(requester(1), 1)) {
            assertThatThrownBy(() -> a.announce("x", List.of())).hasMessageContaining("needs 1..");
        }

        assertThatThrownBy(() -> DhtNode.start(new DhtConfig(base.resolve("bootstrap"),
                new InetSocketAddress(LOOPBACK, 0), List.of(), REQUESTER, 6, EXPIRY)))
                .isInstanceOf(DhtException.class).hasMessageContaining("in use by another node");
        assertThatThrownBy(() -> DhtNode.start(new DhtConfig(base.resolve("clash"), bootstrap.endpoint(), List.of(),
                REQUESTER, 6, EXPIRY))).isInstanceOf(DhtException.class).hasMessageContaining("cannot listen on");
    }

    @Test
    @Order(4)
    void anUnreachableBootstrapIsReportedWithoutHanging() throws Exception {
        InetSocketAddress nobody;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            nobody = new InetSocketAddress(LOOPBACK, s.getLocalPort());
        }
        try (DhtNode alone = DhtNode.start(new DhtConfig(base.resolve("alone"), new InetSocketAddress(LOOPBACK, 0),
                List.of(nobody), REQUESTER, 6, EXPIRY))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> alone.awaitBootstrap(Duration.ofSeconds(2))).isInstanceOf(DhtException.class)
                    .hasMessageContaining("none of the bootstrap nodes 127.0.0.1:" + nobody.getPort() + " answered");
            assertThatThrownBy(() -> new Discovery(alone).find(UNIT, REQUESTER, SearchLimits.DEFAULT))
                    .isInstanceOf(DhtException.class).hasMessageContaining("knows no other node");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    @Order(6)
    void aRestartedNodeKeepsItsIdAndRoutingTable() throws InterruptedException {
        DhtNode node = requester(3);
        String id = node.nodeIdHex();
        DhtConfig config = node.config();
        swarm.stop(node);
        // Restarted without any bootstrap node: it can only rejoin through its saved routing table.
        try (DhtNode again = DhtNode.start(config.withBootstrap(List.of()))) {
            assertThat(again.nodeIdHex()).isEqualTo(id);
            // The saved nodes enter the table once they answer a ping: give them a moment.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (again.knownNodes() == 0 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(again.knownNodes()).isPositive();
            PoolKey key = PoolKey.of(UNIT, neighbourA);
            assertThat(Set.copyOf(new Discovery(again).lookup(key, Duration.ofSeconds(10)).providers()))
                    .isEqualTo(expected(key));
        }
    }

    @Test
    @Order(7)
    void withAFifthOfTheNodesStoppedLookupsStillFindEveryLiveProvider() {
        List<DhtNode> all = new ArrayList<>(swarm.nodes());
        int toStop = (all.size() + 1) / 5;
        List<DhtNode> victims = new ArrayList<>();
        // Two providers go down with them: one in the requester's cell, one far away.
        victims.add(node(1));
        victims.add(node(9));
        stopped.add(1);
        stopped.add(9);
        List<DhtNode> others = new ArrayList<>(all.subList(providerCells.size(), all.size()));
        Collections.shuffle(others, new Random(11));
        victims.addAll(others.subList(0, toStop - victims.size()));
        Set<DhtNode> requesters = new HashSet<>(others.subList(toStop - 2, others.size()));
        announcers.get(1).close();
        announcers.get(9).close();
        victims.forEach(swarm::stop);
        assertThat(all.size() - swarm.size()).isEqualTo(toStop);

        // Each lookup that meets a stopped node waits out libtorrent's 1 s short timeout, so they run side by side.
        List<DhtNode> live = new ArrayList<>(requesters);
        Set<PoolKey> keys = new HashSet<>();
        providerCells.keySet().forEach(i -> keys.addAll(keysOf(i)));
        Map<PoolKey, CompletableFuture<Lookup>> lookups = new LinkedHashMap<>();
        int r = 0;
        for (PoolKey key : keys) {
            DhtNode from = live.get(r++ % live.size());
            lookups.put(key, CompletableFuture.supplyAsync(() -> new Discovery(from).lookup(key, Duration.ofSeconds(10))));
        }
        lookups.forEach((key, future) -> {
            Lookup lookup = future.join();
            assertThat(lookup.complete()).isTrue();
            assertThat(Set.copyOf(lookup.providers())).as("providers of %s", key.cell()).containsAll(expectedLive(key));
        });
    }

    private DhtNode node(int i) {
        return swarm.nodes().get(i);
    }

    /** A node that is not a provider, chosen by index. */
    private DhtNode requester(int i) {
        List<DhtNode> nodes = swarm.nodes();
        return nodes.get(providerCells.size() + (i % (nodes.size() - providerCells.size())));
    }

    private List<PoolKey> keysOf(int provider) {
        Geohash location = Geohash.of(providerCells.get(provider).text() + "zz");
        return PRECISIONS.stream().map(p -> PoolKey.of(UNIT, location.prefix(p))).toList();
    }

    private static InetSocketAddress service(int provider) {
        return new InetSocketAddress(LOOPBACK, 20000 + provider);
    }

    /** The oracle: the providers whose location lies in the key's cell. */
    private Set<InetSocketAddress> expected(PoolKey key) {
        return providerCells.entrySet().stream()
                .filter(e -> e.getValue().prefix(key.precision()).equals(key.cell()))
                .map(e -> service(e.getKey())).collect(Collectors.toSet());
    }

    private Set<InetSocketAddress> expectedLive(PoolKey key) {
        Set<InetSocketAddress> out = new HashSet<>(expected(key));
        stopped.forEach(i -> out.remove(service(i)));
        return out;
    }

    private Set<InetSocketAddress> providersIn(Geohash cell) {
        return providerCells.entrySet().stream().filter(e -> e.getValue().equals(cell))
                .map(e -> service(e.getKey())).collect(Collectors.toSet());
    }

    private static Set<InetSocketAddress> union(Set<InetSocketAddress> a, Set<InetSocketAddress> b) {
        Set<InetSocketAddress> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private static List<InetSocketAddress> endpoints(List<Candidate> candidates) {
        return candidates.stream().map(Candidate::endpoint).toList();
    }

    /** The 32 cells one character finer than {@code cell}. */
    private static Stream<Geohash> cellsOf(Geohash cell) {
        return "0123456789bcdefghjkmnpqrstuvwxyz".chars().mapToObj(c -> Geohash.of(cell.text() + (char) c));
    }
}
