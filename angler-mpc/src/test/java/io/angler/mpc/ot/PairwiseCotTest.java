package io.angler.mpc.ot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.MpcAbortException;
import io.angler.mpc.crypto.Blocks;
import io.angler.mpc.crypto.Ghash;
import io.angler.mpc.crypto.Prg;
import io.angler.mpc.net.Channel;
import io.angler.mpc.net.InMemoryNetwork;
import io.angler.mpc.net.Network;
import io.angler.mpc.net.TlsNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PairwiseCotTest {

    /** Runs one task per party concurrently and returns the results in party order. */
    private static <T> List<T> runAll(List<Network> nets, Function<Network, T> task) throws Exception {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (Network net : nets) {
            fs.add(CompletableFuture.supplyAsync(() -> task.apply(net)));
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : fs) {
            out.add(f.get(120, TimeUnit.SECONDS));
        }
        return out;
    }

    private record PartyRun(long[] delta, long[][] bits, PairwiseCot.Extension[] ext) {
    }

    /** Every party sets up with a random Δ and extends with each count in turn. */
    private static List<PartyRun> run(List<Network> nets, int... counts) throws Exception {
        return runAll(nets, net -> {
            Prg prg = Prg.secure();
            long[] delta = {prg.nextLong(), prg.nextLong()};
            PairwiseCot cot = PairwiseCot.setup(net, delta[0], delta[1], prg);
            long[][] bits = new long[counts.length][];
            PairwiseCot.Extension[] ext = new PairwiseCot.Extension[counts.length];
            for (int c = 0; c < counts.length; c++) {
                bits[c] = prg.nextBits(counts[c]);
                ext[c] = cot.extend(counts[c], bits[c]);
            }
            return new PartyRun(delta, bits, ext);
        });
    }

    private static void assertCorrelation(List<PartyRun> runs, int... counts) {
        int n = runs.size();
        for (int c = 0; c < counts.length; c++) {
            for (int i = 0; i < n; i++) {
                PairwiseCot.Extension mine = runs.get(i).ext()[c];
                assertThat(mine.macs()[i]).isNull();
                assertThat(mine.keys()[i]).isNull();
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        continue;
                    }
                    long[] macs = mine.macs()[j];
                    long[] keys = runs.get(j).ext()[c].keys()[i];
                    long[] dj = runs.get(j).delta();
                    assertThat(macs).hasSize(2 * counts[c]);
                    assertThat(keys).hasSize(2 * counts[c]);
                    for (int k = 0; k < counts[c]; k++) {
                        long b = Blocks.bit(runs.get(i).bits()[c], k) ? -1L : 0L;
                        if (macs[2 * k] != (keys[2 * k] ^ (dj[0] & b)) || macs[2 * k + 1] != (keys[2 * k + 1] ^ (dj[1] & b))) {
                            throw new AssertionError("count " + counts[c] + ": party " + i + "'s bit " + k
                                    + " is not authenticated to party " + j);
                        }
                    }
                    // keys look random, not all equal
                    if (counts[c] > 2) {
                        assertThat(keys[0] == keys[2] && keys[2] == keys[4]).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void theCorrelationHoldsForEveryBitAndEveryPeer() throws Exception {
        int[] counts = {1, 64, 1000, 0, 4097};
        for (int n = 2; n <= 5; n++) {
            List<Network> nets = InMemoryNetwork.create(n, Duration.ofSeconds(60));
            try {
                assertCorrelation(run(nets, counts), counts);
            } finally {
                nets.forEach(Network::close);
            }
        }
    }

    @Test
    void itRunsOverTheTlsMesh() throws Exception {
        List<Network> nets = TlsNetwork.local(3, TlsNetwork.Timeouts.DEFAULT);
        try {
            assertCorrelation(run(nets, 3000, 200), 3000, 200);
        } finally {
            nets.forEach(Network::close);
        }
    }

    @Test
    void baseOtRolesAlternateSoWorkIsBalanced() {
        for (int n : new int[] {3, 5, 9, 17}) {
            for (int a = 0; a < n; a++) {
                int sends = 0;
                for (int b = 0; b < n; b++) {
                    if (b != a) {
                        assertThat(PairwiseCot.isBaseSender(a, b)).isNotEqualTo(PairwiseCot.isBaseSender(b, a));
                        sends += PairwiseCot.isBaseSender(a, b) ? 1 : 0;
                    }
                }
                assertThat(sends).isBetween((n - 1) / 2 - 1, n / 2 + 1);
            }
        }
    }

    /**
     * Party 1 authenticates its bits to party 0 with one column of the matrix using a different
     * bit than the others (flipping a column where party 0's Δ is 1): party 0 must abort. The same
     * steps without the flip pass (so the abort is the flip's doing).
     */
    @Test
    void aReceiverWithInconsistentChoiceBitsIsCaught() throws Exception {
        for (boolean flip : new boolean[] {false, true}) {
            List<Network> nets = InMemoryNetwork.create(2, Duration.ofSeconds(60));
            long[] delta0 = {0x0123456789abcdefL | 1, 0x0fedcba987654321L};
            int count = 3000; // large enough for the check to go through the JCA's GHASH when it is fast
            CompletableFuture<PairwiseCot.Extension> honest = CompletableFuture.supplyAsync(() -> {
                Prg prg = Prg.secure();
                PairwiseCot cot = PairwiseCot.setup(nets.get(0), delta0[0], delta0[1], prg);
                return cot.extend(count, prg.nextBits(count));
            });
            Network net = nets.get(1);
            Prg prg = Prg.secure();
            PairwiseCot cheat = PairwiseCot.setup(net, prg.nextLong(), prg.nextLong(), prg);
            // the cheater's own step 1, with column 0 (Δ_0 bit 0 = 1) using a flipped bit 17:
            // in tile layout word 0 holds rows 0..63 of column 0
            int m = ((count + 127) & ~127) + PairwiseCot.PAD;
            long[] bits = new long[m / 64];
            long[] macs = new long[2 * count];
            long[] tail = new long[2 * (m - count)];
            long[] u = new long[2 * m];
            cheat.receiverFor(0).extend(bits, m, new long[2 * m], u, macs, count, tail, cheat.aes(),
                    new byte[ColumnPrg.SCRATCH_BYTES]);
            if (flip) {
                u[17 / 64] ^= 1L << 17;
            }
            Channel ch = net.channel(0);
            ch.writeInt(count);
            ch.writeLongs(u);
            ch.flush();
            // it plays the rest honestly
            long[] peerU = new long[2 * m];
            assertThat(ch.readInt()).isEqualTo(count);
            ch.readLongs(peerU);
            ch.write(new byte[16]);
            ch.flush();
            Ghash h = Ghash.fromSeed(ch.readBytes(16));
            ch.writeLongs(CotReceiver.checkValues(h, bits, m, macs, count, tail));
            ch.flush();
            if (flip) {
                assertThatThrownBy(() -> honest.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(MpcAbortException.class)
                        .hasMessageContaining("cot-consistency").hasMessageContaining("party 1");
            } else {
                assertThat(honest.get(60, TimeUnit.SECONDS).keys()[1]).hasSize(2 * count);
            }
            nets.forEach(Network::close);
        }
    }

    /** Party 0 is the base-OT sender of the pair (0, 1); it sends a point that is not on the curve. */
    @Test
    void aMalformedBaseOtPointAbortsTheSetUpNamingThePeer() throws Exception {
        assertThat(PairwiseCot.isBaseSender(0, 1)).isTrue();
        List<Network> nets = InMemoryNetwork.create(2, Duration.ofSeconds(30));
        CompletableFuture<PairwiseCot> honest = CompletableFuture.supplyAsync(
                () -> PairwiseCot.setup(nets.get(1), 7, 8, Prg.secure()));
        byte[] notAPoint = new byte[Edwards25519.POINT_BYTES];
        notAPoint[0] = 5;
        notAPoint[32] = 9;
        nets.get(0).channel(1).write(StateOffer.of(false, null).encode());
        nets.get(0).channel(1).write(notAPoint);
        nets.get(0).channel(1).flush();
        assertThatThrownBy(() -> honest.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(MpcAbortException.class)
                .hasMessageContaining("base-ot-point").hasMessageContaining("party 0");
        nets.forEach(Network::close);
    }

    @Test
    void badArgumentsAndMismatchedCountsAreRejected() throws Exception {
        List<Network> nets = InMemoryNetwork.create(2, Duration.ofSeconds(30));
        List<PairwiseCot> cots = runAll(nets, net -> PairwiseCot.setup(net, 5, 6, Prg.secure()));
        assertThatThrownBy(() -> cots.get(0).extend(-1, new long[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cots.get(0).extend(200, new long[1])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than count");
        CompletableFuture<PairwiseCot.Extension> a = CompletableFuture.supplyAsync(() -> cots.get(0).extend(100, new long[2]));
        CompletableFuture<PairwiseCot.Extension> b = CompletableFuture.supplyAsync(() -> cots.get(1).extend(300, new long[5]));
        assertThatThrownBy(() -> a.get(30, TimeUnit.SECONDS)).hasMessageContaining("cot-count").hasMessageContaining("party 1");
        assertThatThrownBy(() -> b.get(30, TimeUnit.SECONDS)).hasMessageContaining("cot-count").hasMessageContaining("party 0");
        nets.forEach(Network::close);
    }
}
