package io.angler.mpc.wrk;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.mpc.circuit.Circuit;
import io.angler.mpc.circuit.OutputPlan;
import io.angler.mpc.circuit.StandardCircuits;
import io.angler.mpc.net.TlsNetwork;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole sessions over real TLS sockets on loopback, one thread per party; nothing leaks. */
class LocalPartiesTest {
    private static final TlsNetwork.Timeouts TIMEOUTS = new TlsNetwork.Timeouts(Duration.ofSeconds(20),
            Duration.ofSeconds(30));

    @Test
    void runsOverTlsAndLeavesNoThreads() {
        Circuit c = StandardCircuits.lessThan(16);
        Random rnd = new Random(3);
        int before = Thread.activeCount();
        try (LocalParties lp = new LocalParties(4, TIMEOUTS)) {
            for (int rep = 0; rep < 2; rep++) {
                boolean[][] in = RandomCircuits.randomInputs(c, rnd);
                LocalParties.Run run = lp.run(c, OutputPlan.everyone(c, 4), in, WrkOptions.DEFAULT);
                boolean[] expected = c.evaluate(in);
                for (WrkResult r : run.results()) {
                    assertThat(r.values()).containsExactly(expected);
                    assertThat(r.bytesSent()).isPositive();
                }
            }
        }
        assertThat(ThreadLeaks.settle(before)).isLessThanOrEqualTo(before);
    }
}
