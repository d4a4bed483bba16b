package io.angler.node.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.ProviderView;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.lease.FileLeaseStore;
import io.angler.node.lease.LeaseKeeper;
import io.angler.node.lease.Ledger;
import io.angler.node.lease.SessionInput;
import io.angler.node.limit.SessionRateLimiter;
import io.angler.node.metrics.NodeMetrics;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.Message;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.testing.IdealMpc;
import io.angler.node.testing.IdealPlacement;
import io.angler.node.testing.RecordingProvisioner;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSessionsTest {
    static final String REQUESTER = "e".repeat(64);
    static final InetAddress HOME = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;
    final IdealMpc mpc = new IdealMpc();
    final List<Node> nodes = new ArrayList<>();

    /** One provider: its sessions handler, ledger and provisioner. */
    record Node(String fingerprint, ProviderSessions sessions, Ledger ledger, RecordingProvisioner provisioner,
                NodeMetrics metrics, ProviderConfig config) {
    }

    Node provider(int n, long quantity, String price, String extra) {
        String yaml = """
                node:
                  dataDir: data-%d
                  rateLimits: {perIdentity: {burst: 1000, perMinute: 1000}, perAddress: {burst: 1000, perMinute: 1000}}
                  %s
                offers:
                  - name: small
                    unit: cpu=200m,memory=128Mi
                    quantity: %d
                    price: "%s"
                    location: dn5bpsbw
                provisioner: {directory: out-%d}
                """.formatted(n, extra, quantity, price, n);
        ProviderConfig config = ProviderConfigLoader.parse("p" + n + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
        Ledger ledger = Ledger.open(config.offerList(), new FileLeaseStore(config.node().dataDir()),
                config.node().dataDir(), Clock.systemUTC());
        RecordingProvisioner prov = new RecordingProvisioner();
        NodeMetrics metrics = new NodeMetrics(NodeMetrics.Role.PROVIDER);
        String fp = String.format("%064x", n);
        SessionRunner runner = mpc.providerRunner();
        ProviderSessions s = new ProviderSessions(config, fp, 9000 + n, new LeaseKeeper(ledger, prov),
                new SessionRateLimiter(config.node().rateLimits()), metrics, runner, Clock.systemUTC());
        Node node = new Node(fp, s, ledger, prov, metrics, config);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void close() {
        nodes.forEach(n -> n.sessions().close());
    }

    static String newSessionId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    Message.SessionSetup setup(String sessionId, PlacementMode mode, List<Node> providers, long deadlineMs) {
        return setup(sessionId, mode, providers, deadlineMs, REQUESTER);
    }

    Message.SessionSetup setup(String sessionId, PlacementMode mode, List<Node> providers, long deadlineMs, String requester) {
        List<Message.Party> parties = new ArrayList<>();
        parties.add(new Message.Party("127.0.0.1", 8999, requester));
        for (Node n : providers) {
            parties.add(new Message.Party("127.0.0.1", 9000, n.fingerprint()));
        }
        String key = providers.get(0).config().offers().get(0).poolKeys().get(2).hex();
        return new Message.SessionSetup(sessionId, key, mode, 16, 32, parties, deadlineMs);
    }

    Message.SessionSetup setup(String sessionId, List<Node> providers) {
        return setup(sessionId, PlacementMode.FIRST_PRICE, providers, System.currentTimeMillis() + 60_000);
    }

    /** The requester's whole session against the providers, the placement played by the ideal functionality. */
    record Result(String sessionId, PlacementOutcome outcome, List<io.angler.core.placement.Bid> bids, List<Message> replies,
                  Exception failure) {
    }

    Result request(String requester, PlacementMode mode, PlacementRequest request, List<Node> providers) throws Exception {
        return request(requester, mode, request, providers, true);
    }

    Result request(String requester, PlacementMode mode, PlacementRequest request, List<Node> providers, boolean claim)
            throws Exception {
        String sid = newSessionId();
        Message.SessionSetup s = setup(sid, mode, providers, System.currentTimeMillis() + 60_000, requester);
        IdealPlacement ideal = mpc.session(s);
        Peer peer = new Peer(requester, HOME);
        for (Node n : providers) {
            Message reply = n.sessions().handle(peer, s);
            if (!(reply instanceof Message.SetupAck)) {
                ideal.disconnect(0);
                return new Result(sid, null, null, List.of(reply), null);
            }
        }
        PlacementOutcome outcome;
        try {
            outcome = new PlacementOutcome(providers.size(), ideal.request(request));
        } catch (io.angler.mpc.MpcAbortException e) {
            return new Result(sid, null, ideal.bids(), List.of(), e);
        }
        List<Message> replies = new ArrayList<>();
        for (Allocation a : claim ? outcome.allocations() : List.<Allocation>of()) {
            Node winner = providers.get(a.provider() - 1);
            // The winner settles in the background right after handing out its view; the claim waits for it.
            replies.add(winner.sessions().handle(peer, new Message.Claim(sid, 3600, new CredentialRequest.ServiceAccountToken())));
        }
        return new Result(sid, outcome, ideal.bids(), replies, null);
    }

    @Test
    void probeRevealsIdentityAndVersionOnly() {
        Node p = provider(1, 10, "7", "");
        Message reply = p.sessions().handle(new Peer(REQUESTER, HOME), new Message.Probe(99));
        assertThat(reply).isEqualTo(new Message.ProbeReply(99, p.fingerprint(), 9001, ProviderSessions.SOFTWARE));
    }

    @Test
    void aWinnerIsClaimedProvisionedRenewedAndReleased() throws Exception {
        Node a = provider(1, 10, "50", "");
        Node b = provider(2, 10, "(2*(q-r))+20", "");
        Result r = request(REQUESTER, PlacementMode.FIRST_PRICE, PlacementRequest.single(4), List.of(a, b));
        assertThat(r.outcome().allocations()).containsExactly(new Allocation(2, 4, 20));
        Message.ClaimReply claim = (Message.ClaimReply) r.replies().get(0);
        assertThat(claim.units()).isEqualTo(4);
        assertThat(claim.price()).isEqualTo(20);
        assertThat(b.provisioner().namespaces).containsExactly(claim.namespace());
        assertThat(b.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 4, 0, 6));
        await(() -> a.ledger().balance("small").reserved() == 0);
        assertThat(a.ledger().balance("small").free()).as("the loser's reservation is released").isEqualTo(10);

        Peer me = new Peer(REQUESTER, HOME);
        Peer other = new Peer("f".repeat(64), HOME);
        assertThat(b.sessions().handle(other, new Message.Renew(claim.leaseId(), 7200, new CredentialRequest.ServiceAccountToken())))
                .isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        Message renewed = b.sessions().handle(me, new Message.Renew(claim.leaseId(), 7200, new CredentialRequest.ServiceAccountToken()));
        assertThat(((Message.RenewReply) renewed).expiresAtEpochMs()).isGreaterThan(claim.expiresAtEpochMs());
        assertThat(b.sessions().handle(me, new Message.Release(claim.leaseId()))).isEqualTo(new Message.ReleaseReply(claim.leaseId()));
        assertThat(b.provisioner().namespaces).isEmpty();
        assertThat(b.ledger().balance("small").free()).isEqualTo(10);
        assertThat(b.metrics().scrape()).contains("angler_session_wins_total{mode=\"first-price\",role=\"provider\"} 1.0");
    }

    @Test
    void aRenewalIssuesCredentialsForTheNewExpiryAndAFailedOneIsUndone() throws Exception {
        Node b = provider(2, 10, "20", "");
        Result r = request(REQUESTER, PlacementMode.FIRST_PRICE, PlacementRequest.single(4), List.of(b));
        Message.ClaimReply claim = (Message.ClaimReply) r.replies().get(0);
        Peer me = new Peer(REQUESTER, HOME);

        Message.RenewReply renewed = (Message.RenewReply) b.sessions().handle(me, new Message.Renew(claim.leaseId(), 7200,
                new CredentialRequest.ServiceAccountToken()));
        Instant expiry = Instant.ofEpochMilli(renewed.expiresAtEpochMs());
        assertThat(expiry).isAfter(Instant.ofEpochMilli(claim.expiresAtEpochMs()));
        assertThat(b.provisioner().lastProvisioned.expiresAt()).as("provisioned again with the extended lease")
                .isEqualTo(b.ledger().lease(claim.leaseId()).expiresAt());
        assertThat(renewed.kubeconfig()).isEqualTo("kubeconfig for " + claim.namespace() + " until "
                + b.ledger().lease(claim.leaseId()).expiresAt());

        // The cluster fails: the renewal is reported as failed and undone, in memory and on disk.
        io.angler.node.lease.Lease before = b.ledger().lease(claim.leaseId());
        b.provisioner().failProvision = true;
        Message failed = b.sessions().handle(me, new Message.Renew(claim.leaseId(), 4 * 3600,
                new CredentialRequest.ServiceAccountToken()));
        assertThat(failed).isInstanceOfSatisfying(Message.Error.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.message()).contains("renewal failed: new credentials could not be issued (cluster unreachable)")
                    .contains("the lease was not extended and still ends at " + before.expiresAt())
                    .contains("try the renewal again");
        });
        assertThat(b.ledger().lease(claim.leaseId())).isEqualTo(before);
        assertThat(new FileLeaseStore(b.config().node().dataDir()).all()).as("the stored lease is the previous one")
                .containsExactly(before);
        assertThat(b.ledger().balance("small")).as("nothing lost, nothing counted twice")
                .isEqualTo(new Ledger.Balance(10, 4, 0, 6));
        assertThat(b.provisioner().namespaces).containsExactly(claim.namespace());

        // Once the cluster is back, the same renewal goes through.
        b.provisioner().failProvision = false;
        Message again = b.sessions().handle(me, new Message.Renew(claim.leaseId(), 4 * 3600,
                new CredentialRequest.ServiceAccountToken()));
        assertThat(Instant.ofEpochMilli(((Message.RenewReply) again).expiresAtEpochMs())).isAfter(before.expiresAt());
        assertThat(b.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 4, 0, 6));
    }

    @Test
    void setupsAreCheckedAndAFullProviderIsNeverRefused() throws Exception {
        Node p = provider(1, 0, "7", "sessions: {maxConcurrent: 1}");
        Node q = provider(2, 5, "7", "");
        Peer me = new Peer(REQUESTER, HOME);
        long later = System.currentTimeMillis() + 60_000;
        assertThat(p.sessions().handle(me, setup(newSessionId(), PlacementMode.SPLIT, List.of(p, q), System.currentTimeMillis() - 1)))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.DEADLINE));
        assertThat(p.sessions().handle(me, setup(newSessionId(), PlacementMode.SPLIT, List.of(p, q), later + 3_600_000)))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.DEADLINE));
        assertThat(p.sessions().handle(new Peer("f".repeat(64), HOME), setup(newSessionId(), List.of(p, q))))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.reason()).contains("parties[0] must be the requester"));
        assertThat(p.sessions().handle(me, setup(newSessionId(), List.of(q))))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.reason()).contains("not among"));
        Message.SessionSetup s = setup(newSessionId(), List.of(p, q));
        Message.SessionSetup otherPool = new Message.SessionSetup(s.sessionId(), "00".repeat(20), s.mode(), 16, 32, s.parties(), later);
        assertThat(p.sessions().handle(me, otherPool))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.UNKNOWN_POOL));
        Message.SessionSetup wide = new Message.SessionSetup(s.sessionId(), s.poolKey(), s.mode(), 20, 32, s.parties(), later);
        assertThat(p.sessions().handle(me, wide))
                .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.reason()).contains("16-bit units"));

        // p has quantity 0 and still joins: nobody learns that it is full.
        assertThat(p.sessions().handle(me, s)).isEqualTo(new Message.SetupAck(s.sessionId(), 1));
        assertThat(p.sessions().handle(me, setup(newSessionId(), List.of(p, q))))
                .as("one session at a time").isInstanceOfSatisfying(Message.SetupReject.class,
                        r -> assertThat(r.code()).isEqualTo(ErrorCode.BUSY));
        mpc.session(s).disconnect(0);
        await(() -> p.sessions().running() == 0);
        assertThat(p.metrics().scrape()).contains("angler_session_aborts_total{reason=\"disconnect\",role=\"provider\"} 1.0")
                .contains("angler_setups_refused_total{reason=\"busy\",role=\"provider\"} 1.0");
        assertThat(p.sessions().handle(me, new Message.ProbeReply(1, REQUESTER, 1, "x")))
                .isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNEXPECTED));
    }

    @Test
    void rateLimitsApplyPerRequester() {
        Node p = provider(1, 5, "7", "");
        Node limited = provider(2, 5, "7", "");
        // A provider with a tight limit: rebuilt with its own settings.
        ProviderConfig tight = ProviderConfigLoader.parse("t.yaml", """
                node:
                  dataDir: data-t
                  rateLimits: {perIdentity: {burst: 2, perMinute: 0.001}}
                offers:
                  - {name: small, unit: "cpu=200m,memory=128Mi", quantity: 5, price: "7", location: dn5bpsbw}
                provisioner: {directory: out-t}
                """.getBytes(StandardCharsets.UTF_8), dir);
        Ledger ledger = Ledger.open(tight.offerList(), new FileLeaseStore(tight.node().dataDir()), tight.node().dataDir(),
                Clock.systemUTC());
        NodeMetrics metrics = new NodeMetrics(NodeMetrics.Role.PROVIDER);
        try (ProviderSessions s = new ProviderSessions(tight, limited.fingerprint(), 1, new LeaseKeeper(ledger, new RecordingProvisioner()),
                new SessionRateLimiter(tight.node().rateLimits()), metrics, (setup, i, in) -> {
                    throw new java.io.IOException("no placement in this test");
                }, Clock.systemUTC())) {
            Peer me = new Peer(REQUESTER, HOME);
            assertThat(s.handle(me, setup(newSessionId(), List.of(p, limited)))).isInstanceOf(Message.SetupAck.class);
            assertThat(s.handle(me, setup(newSessionId(), List.of(p, limited)))).isInstanceOf(Message.SetupAck.class);
            assertThat(s.handle(me, setup(newSessionId(), List.of(p, limited))))
                    .isInstanceOfSatisfying(Message.SetupReject.class, r -> assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED));
            Peer someoneElse = new Peer("f".repeat(64), HOME);
            Message.SessionSetup theirs = setup(newSessionId(), List.of(p, limited));
            List<Message.Party> parties = new ArrayList<>(theirs.parties());
            parties.set(0, new Message.Party("127.0.0.1", 1, someoneElse.fingerprint()));
            Message.SessionSetup fromThem = new Message.SessionSetup(theirs.sessionId(), theirs.poolKey(), theirs.mode(), 16, 32,
                    parties, theirs.deadlineEpochMs());
            assertThat(s.handle(someoneElse, fromThem)).isInstanceOf(Message.SetupAck.class);
        }
    }

    /** 50 concurrent requests against 5 providers: every request answered, no unit oversold. */
    @Test
    void fiftyConcurrentRequestsNeverOversell() throws Exception {
        long[] quantity = {12, 8, 20, 5, 15};
        String[] price = {"(2*(q-r))+20", "30", "max(10, 40 - r)", "15", "25 + q - r"};
        List<Node> providers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            providers.add(provider(i + 1, quantity[i], price[i], "sessions: {maxConcurrent: 64}"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Result>> futures = new ArrayList<>();
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            PlacementMode mode = PlacementMode.values()[rnd.nextInt(3)];
            PlacementRequest req = mode == PlacementMode.SPLIT
                    ? new PlacementRequest(1 + rnd.nextInt(10), 1 + rnd.nextInt(5)) : PlacementRequest.single(1 + rnd.nextInt(6));
            String requester = String.format("%064x", 1000 + i);
            futures.add(pool.submit(() -> request(requester, mode, req, providers)));
        }
        long[] granted = new long[5];
        AtomicInteger served = new AtomicInteger();
        for (Future<Result> f : futures) {
            Result r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.outcome()).as("every request gets an answer from the placement: %s", r.replies()).isNotNull();
            for (int k = 0; k < r.outcome().allocations().size(); k++) {
                Allocation a = r.outcome().allocations().get(k);
                Message.ClaimReply claim = (Message.ClaimReply) r.replies().get(k);
                assertThat(claim.units()).isEqualTo(a.units());
                assertThat(a.units()).as("never more than the provider fed in").isLessThanOrEqualTo(r.bids().get(a.provider() - 1).capacity());
                granted[a.provider() - 1] += a.units();
            }
            if (r.outcome().served()) {
                served.incrementAndGet();
            }
        }
        pool.shutdown();
        assertThat(served.get()).as("the pool had room for some").isPositive();
        for (int i = 0; i < 5; i++) {
            Node n = providers.get(i);
            int idx = i;
            await(() -> n.ledger().balance("small").reserved() == 0);
            Ledger.Balance b = n.ledger().balance("small");
            assertThat(b.leased()).as("provider " + (i + 1)).isEqualTo(granted[idx]).isLessThanOrEqualTo(quantity[i]);
            assertThat(n.provisioner().namespaces).hasSize(n.ledger().leases().size());
        }
    }

    @Test
    void theRequesterCanEndASessionAndDeclineAWin() throws Exception {
        Node p = provider(1, 10, "7", "");
        Node q = provider(2, 10, "9", "");
        Peer me = new Peer(REQUESTER, HOME);
        Message.SessionSetup s = setup(newSessionId(), List.of(p, q));
        assertThat(p.sessions().handle(me, s)).isInstanceOf(Message.SetupAck.class);
        assertThat(p.ledger().balance("small").reserved()).as("everything free is held for the session").isEqualTo(10);
        // q never joins; the requester gives up and tells p.
        assertThat(p.sessions().handle(me, new Message.Abort(s.sessionId()))).isEqualTo(new Message.AbortReply(s.sessionId()));
        assertThat(p.ledger().balance("small").reserved()).as("released at once, not at the deadline").isZero();
        await(() -> p.sessions().running() == 0);

        // A win the requester declines (e.g. above its maximum price) returns to the offer.
        Result r = request(REQUESTER, PlacementMode.FIRST_PRICE, PlacementRequest.single(4), List.of(p, q), false);
        assertThat(r.outcome().allocations()).containsExactly(new Allocation(1, 4, 7));
        await(() -> p.ledger().reservations().stream().anyMatch(x -> x.state() == io.angler.node.lease.Reservation.State.WON));
        assertThat(p.ledger().balance("small").reserved()).isEqualTo(4);
        String sid = r.sessionId();
        assertThat(p.sessions().handle(new Peer("f".repeat(64), HOME), new Message.Abort(sid)))
                .as("only the session's requester can end it").isInstanceOf(Message.AbortReply.class);
        assertThat(p.ledger().balance("small").reserved()).isEqualTo(4);
        p.sessions().handle(me, new Message.Abort(sid));
        assertThat(p.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 0, 0, 10));
        assertThat(p.sessions().handle(me, new Message.Claim(sid, 60, new CredentialRequest.ServiceAccountToken())))
                .isInstanceOfSatisfying(Message.Error.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aDeviatingPartyEndsTheSessionForEveryoneWithNothingAwarded() throws Exception {
        Node p = provider(1, 10, "7", "");
        Node q = provider(2, 10, "9", "");
        mpc.deviating(q.fingerprint());
        Result r = request(REQUESTER, PlacementMode.FIRST_PRICE, PlacementRequest.single(4), List.of(p, q), true);
        assertThat(r.failure()).isInstanceOfSatisfying(io.angler.mpc.MpcAbortException.class,
                e -> assertThat(e.peer()).isEqualTo(2));
        await(() -> p.sessions().running() == 0 && q.sessions().running() == 0);
        assertThat(p.ledger().balance("small").reserved()).isZero();
        assertThat(p.metrics().scrape()).contains("angler_session_aborts_total{reason=\"check_failed\",role=\"provider\"} 1.0");
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(5);
        }
    }


}
