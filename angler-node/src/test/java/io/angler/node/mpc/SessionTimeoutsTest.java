package io.angler.node.mpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.net.TlsNetwork;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A session's bounds: the mesh set-up's grows with the parties (n(n-1)/2 handshakes), within the deadline. */
class SessionTimeoutsTest {
    @Test
    void theSetUpBoundGrowsWithTheHandshakesOfTheMeshAndEndsAtTheDeadline() {
        TlsNetwork.Timeouts three = MpcPlacementRunner.timeouts(3, 1, 60_000);
        assertThat(three.connect()).isEqualTo(Duration.ofSeconds(10).plusMillis(3 * 40));
        // 33 parties: 528 handshakes, which a fixed 10 s did not fit on two loaded cores
        TlsNetwork.Timeouts big = MpcPlacementRunner.timeouts(33, 1, 60_000);
        assertThat(big.connect()).isEqualTo(Duration.ofSeconds(10).plusMillis(528 * 40));
        assertThat(MpcPlacementRunner.timeouts(33, 1, 20_000).connect()).as("never past the deadline")
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(big.read()).isEqualTo(Duration.ofSeconds(30));
        assertThat(MpcPlacementRunner.timeouts(33, 0, 60_000).read()).as("the requester waits longer")
                .isEqualTo(Duration.ofSeconds(45));
    }
}
