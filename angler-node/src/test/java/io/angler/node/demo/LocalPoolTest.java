package io.angler.node.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.node.requester.HeldLease;
import io.angler.node.testing.IdealMpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's pool: providers found through a real DHT (libtorrent on loopback), the placement
 * played by the ideal functionality (a TEST DOUBLE; angler-cli's demo test runs the real MPC).
 */
class LocalPoolTest {
    @TempDir
    Path dir;

    @Test
    void providersAreFoundOnTheDhtAndEveryModeMatchesTheOracle() throws Exception {
        IdealMpc mpc = new IdealMpc();
        List<Bid> bids = List.of(new Bid(7, 120), new Bid(0, 60), new Bid(12, 95), new Bid(4, 80));
        List<String> lines = new ArrayList<>();
        try (LocalPool pool = LocalPool.start(dir, bids, 4, l -> mpc.providerRunner(), l -> mpc.requesterRunner(),
                null, lines::add)) {
            assertThat(lines).anyMatch(s -> s.contains("bootstrap node and 4 passive nodes"));
            List<PlacementRequest> requests = List.of(PlacementRequest.single(5), PlacementRequest.single(3),
                    new PlacementRequest(8, 2));
            for (PlacementMode mode : PlacementMode.values()) {
                PlacementRequest request = requests.get(mode.ordinal());
                List<Bid> before = new ArrayList<>();
                pool.providers().forEach(p -> before.add(new Bid(p.ledger().balance("demo").free(), 0)));
                LocalPool.Run run = pool.request(mode, request, line -> { });

                assertThat(run.result().candidatesFound()).as("every provider found through the DHT").isEqualTo(4);
                assertThat(run.result().providers()).hasSize(4);
                List<Bid> inSession = new ArrayList<>();
                for (var sp : run.result().providers()) {
                    int i = pool.providers().stream().map(p -> p.fingerprint()).toList().indexOf(sp.fingerprint());
                    inSession.add(new Bid(before.get(i).capacity(), bids.get(i).price()));
                }
                PlacementOutcome expected = PlaintextPlacement.place(mode, request, inSession);
                assertThat(run.result().allocations()).as("%s", mode).isEqualTo(expected.allocations());
                assertThat(run.views()).isEqualTo(expected.providerViews());
                assertThat(run.bids()).extracting(Bid::price).isEqualTo(inSession.stream().map(Bid::price).toList());
                assertThat(run.timingsMs()).containsOnlyKeys("discovery", "probe", "setup", "mpc", "claim", "provision", "total");
                for (HeldLease l : run.result().leases()) {
                    assertThat(run.provisioned().get(l.leaseId())).startsWith("manifests in ");
                    Path m = dir.resolve("provider-" + (1 + pool.providers().stream().map(p -> p.fingerprint()).toList()
                            .indexOf(l.providerFingerprint()))).resolve("manifests").resolve(l.leaseId());
                    assertThat(m.resolve("20-resourcequota.yaml")).exists();
                    assertThat(Files.readString(m.resolve("00-namespace.yaml"))).contains(l.namespace());
                }
                assertThat(expected.served()).as("the inputs are chosen so that each mode serves").isTrue();
            }
        }
    }
}
