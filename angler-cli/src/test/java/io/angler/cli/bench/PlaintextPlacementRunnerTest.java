package io.angler.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.core.placement.ProviderView;
import io.angler.mpc.MpcAbortException;
import io.angler.mpc.net.MpcListener;
import io.angler.mpc.net.PartyEndpoint;
import io.angler.mpc.net.TlsIdentity;
import io.angler.mpc.net.TlsNetwork;
import io.angler.node.lease.SessionInput;
import io.angler.node.protocol.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The baseline's exchange over real TLS listeners, against the plaintext placement it must reproduce. */
class PlaintextPlacementRunnerTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Random RANDOM = new Random(8);

    private final List<MpcListener> listeners = new ArrayList<>();
    private final List<PlaintextPlacementRunner> runners = new ArrayList<>();
    private final List<TlsIdentity> ids = new ArrayList<>();

    @AfterEach
    void close() {
        runners.forEach(PlaintextPlacementRunner::close);
        listeners.forEach(MpcListener::close);
    }

    /** Parties 0 (requester) to k, each with its own identity, listener and runner. */
    private Message.SessionSetup session(int k, PlacementMode mode) {
        List<Message.Party> parties = new ArrayList<>();
        for (int p = 0; p <= k; p++) {
            TlsIdentity id = TlsIdentity.ephemeral("party " + p);
            MpcListener l = MpcListener.bind(id, ANY);
            ids.add(id);
            listeners.add(l);
            runners.add(new PlaintextPlacementRunner(l));
            parties.add(new Message.Party("127.0.0.1", l.address().getPort(), id.fingerprint()));
        }
        byte[] sid = new byte[16];
        RANDOM.nextBytes(sid);
        return new Message.SessionSetup(HexFormat.of().formatHex(sid), "0".repeat(40), mode, 16, 32, parties,
                System.currentTimeMillis() + 20_000);
    }

    @Test
    void everyPartyGetsWhatThePlaintextPlacementGivesIt() {
        for (PlacementMode mode : PlacementMode.values()) {
            int k = 3;
            Message.SessionSetup setup = session(k, mode);
            List<Bid> bids = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                bids.add(new Bid(RANDOM.nextInt(8), 50 + RANDOM.nextInt(100)));
            }
            PlacementRequest request = new PlacementRequest(1 + RANDOM.nextInt(6), mode == PlacementMode.SPLIT ? 2 : 1);
            List<CompletableFuture<ProviderView>> providers = new ArrayList<>();
            int base = runners.size() - (k + 1);
            for (int i = 1; i <= k; i++) {
                int index = i;
                PlaintextPlacementRunner r = runners.get(base + i);
                Bid b = bids.get(i - 1);
                providers.add(CompletableFuture.supplyAsync(() -> r.run(setup, index, new SessionInput(b.capacity(), b.price()))));
            }
            List<Allocation> got = runners.get(base).run(setup, request);
            PlacementOutcome expected = PlaintextPlacement.place(mode, request, bids);
            assertThat(got).as(mode.label()).isEqualTo(expected.allocations());
            for (int i = 1; i <= k; i++) {
                assertThat(providers.get(i - 1).join()).isEqualTo(expected.providerView(i));
            }
        }
    }

    @Test
    void aBidOutsideTheWidthsIsRefusedAndBlamedOnItsSender() {
        Message.SessionSetup setup = session(2, PlacementMode.FIRST_PRICE);
        CompletableFuture<ProviderView> honest = CompletableFuture.supplyAsync(
                () -> runners.get(1).run(setup, 1, new SessionInput(5, 70)));
        CompletableFuture<ProviderView> oversized = CompletableFuture.supplyAsync(
                () -> runners.get(2).run(setup, 2, new SessionInput(1 << 16, 70)));
        assertThatThrownBy(() -> runners.get(0).run(setup, new PlacementRequest(3, 1)))
                .isInstanceOfSatisfying(MpcAbortException.class, e -> {
                    assertThat(e.check()).isEqualTo("input");
                    assertThat(e.peer()).isEqualTo(2);
                });
        assertThatThrownBy(honest::join).isInstanceOf(CompletionException.class);
        assertThatThrownBy(oversized::join).isInstanceOf(CompletionException.class);
    }

    @Test
    void aProviderRefusesAResultImpossibleForItsBid() {
        Message.SessionSetup setup = session(1, PlacementMode.FIRST_PRICE);
        CompletableFuture<ProviderView> provider = CompletableFuture.supplyAsync(
                () -> runners.get(1).run(setup, 1, new SessionInput(4, 70)));
        // A lying requester: it tells the provider it won more units than the provider has.
        List<PartyEndpoint> pair = List.of(
                new PartyEndpoint(listeners.get(0).address(), ids.get(0).fingerprint()),
                new PartyEndpoint(listeners.get(1).address(), ids.get(1).fingerprint()));
        try (TlsNetwork net = TlsNetwork.connect(listeners.get(0), PlaintextPlacementRunner.linkId(setup, 1), 0, pair,
                new TlsNetwork.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10)))) {
            long[] bid = new long[2];
            net.channel(1).readLongs(bid, 0, 2);
            assertThat(bid).containsExactly(4, 70);
            net.channel(1).writeLongs(new long[] {1, 5, 70});
            net.channel(1).flush();
            assertThatThrownBy(provider::join).hasCauseInstanceOf(MpcAbortException.class)
                    .hasMessageContaining("impossible for this provider's bid");
        }
    }

    @Test
    void aProviderThatNeverConnectsEndsTheSessionAtTheDeadline() {
        Message.SessionSetup s = session(1, PlacementMode.FIRST_PRICE);
        Message.SessionSetup soon = new Message.SessionSetup(s.sessionId(), s.poolKey(), s.mode(), s.unitBits(),
                s.priceBits(), s.parties(), System.currentTimeMillis() + 500);
        long start = System.nanoTime();
        assertThatThrownBy(() -> runners.get(0).run(soon, new PlacementRequest(1, 1)))
                .isInstanceOfSatisfying(MpcAbortException.class, e -> assertThat(e.check()).isEqualTo("connect"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
