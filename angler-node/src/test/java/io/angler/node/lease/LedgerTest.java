package io.angler.node.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.geo.Geohash;
import io.angler.core.offer.LeaseLimits;
import io.angler.core.offer.Offer;
import io.angler.core.offer.PriceFunction;
import io.angler.core.unit.ResourceUnit;
import io.angler.node.testing.MutableClock;
import io.angler.node.testing.RecordingProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
    static final String ALICE = "a".repeat(64);
    static final String BOB = "b".repeat(64);
    static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();

    static Offer offer(String name, long quantity, String price) {
        return new Offer(name, ResourceUnit.parse("cpu=200m,memory=128Mi"), quantity, PriceFunction.parse(price),
                Geohash.of("dn5bpsbw"), new LeaseLimits(Duration.ofMinutes(1), Duration.ofDays(1), 1));
    }

    static SessionKey session(String requester, int n) {
        return new SessionKey(requester, String.format("%032x", n));
    }

    Ledger open(Offer... offers) {
        return Ledger.open(List.of(offers), new FileLeaseStore(dir), dir, clock);
    }

    Instant in(Duration d) {
        return clock.instant().plus(d);
    }

    @Test
    void aSecondSessionSeesOnlyWhatTheFirstDidNotReserve() {
        Ledger l = open(offer("small", 10, "(2*(q-r))+20"));
        SessionInput a = l.enter(session(ALICE, 1), "small", in(HOUR));
        assertThat(a).isEqualTo(new SessionInput(10, 20));
        SessionInput b = l.enter(session(BOB, 2), "small", in(HOUR));
        assertThat(b.capacity()).as("everything is reserved by session 1").isZero();

        l.settle(session(ALICE, 1), 4, 20, in(HOUR));
        SessionInput c = l.enter(session(BOB, 3), "small", in(HOUR));
        assertThat(c.capacity()).isEqualTo(6);
        assertThat(c.price()).as("price is evaluated per session: f(10, 6)").isEqualTo(28);
        l.abort(session(BOB, 3));
        l.settle(session(BOB, 2), 0, 0, in(HOUR));
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(10, 0, 4, 6));

        Lease lease = l.claim(session(ALICE, 1), HOUR);
        assertThat(lease.units()).isEqualTo(4);
        assertThat(lease.price()).isEqualTo(20);
        assertThat(lease.requester()).isEqualTo(ALICE);
        assertThat(lease.namespace()).isEqualTo("angler-" + lease.id());
        assertThat(lease.expiresAt()).isEqualTo(in(HOUR));
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(10, 4, 0, 6));
    }

    @Test
    void aReplacedOfferKeepsItsLeasesAndNeverOversells() {
        Ledger l = open(offer("small", 10, "30"));
        l.enter(session(ALICE, 1), "small", in(HOUR));
        l.settle(session(ALICE, 1), 6, 30, in(HOUR));
        l.claim(session(ALICE, 1), HOUR);
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(10, 6, 0, 4));

        l.putOffer(offer("small", 4, "(3*q)+r"));
        assertThat(l.balance("small")).as("fewer units than leased: nothing free, not a negative count")
                .isEqualTo(new Ledger.Balance(4, 6, 0, 0));
        SessionInput in = l.enter(session(BOB, 2), "small", in(HOUR));
        assertThat(in.capacity()).isZero();
        assertThat(in.price()).as("the new price function, at r = 0").isEqualTo(12);
        l.abort(session(BOB, 2));

        l.putOffer(offer("small", 15, "(3*q)+r"));
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(15, 6, 0, 9));
        assertThat(l.enter(session(BOB, 3), "small", in(HOUR))).isEqualTo(new SessionInput(9, 54));
    }

    @Test
    void aRemovedOfferTakesNoSessionButItsLeasesAndWinsRunOnTheirTerms() {
        Offer small = offer("small", 10, "30");
        Ledger l = open(small);
        l.enter(session(ALICE, 1), "small", in(HOUR));
        l.settle(session(ALICE, 1), 3, 30, in(HOUR));
        Lease held = l.claim(session(ALICE, 1), HOUR);
        l.enter(session(BOB, 2), "small", in(HOUR));
        l.settle(session(BOB, 2), 2, 30, in(HOUR));
        SessionKey running = session(BOB, 3);
        l.enter(running, "small", in(HOUR));

        // replaced by an offer of another unit, then removed altogether
        l.putOffer(new Offer("small", ResourceUnit.parse("cpu=1"), 10, PriceFunction.parse("30"), Geohash.of("dn5bpsbw"),
                new LeaseLimits(Duration.ofMinutes(1), Duration.ofMinutes(10), 1)));
        l.removeOffer("small");
        assertThat(l.offer("small")).isEmpty();
        assertThatThrownBy(() -> l.enter(session(BOB, 4), "small", in(HOUR))).isInstanceOf(LedgerException.class)
                .hasMessageContaining("no offer named 'small'");
        assertThat(l.leases()).containsExactly(held);

        Lease won = l.claim(session(BOB, 2), Duration.ofHours(5));
        assertThat(won.unit()).as("claimed on the terms the session started with").isEqualTo(small.unit());
        assertThat(won.expiresAt()).as("the old offer's lease limit (1 day), not the replacement's")
                .isEqualTo(in(Duration.ofHours(5)));
        l.settle(running, 1, 30, in(HOUR));
        assertThat(l.claim(running, HOUR).unit()).isEqualTo(small.unit());

        l.putOffer(small);
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(10, 6, 0, 4));
    }

    @Test
    void forgettingALeaseReturnsItsUnitsAndLeavesTheStoreAlone() {
        Ledger l = open(offer("small", 10, "30"));
        l.enter(session(ALICE, 1), "small", in(HOUR));
        l.settle(session(ALICE, 1), 3, 30, in(HOUR));
        Lease lease = l.claim(session(ALICE, 1), HOUR);
        l.forget(lease.id());
        l.forget(lease.id());
        assertThat(l.balance("small").free()).isEqualTo(10);
        assertThat(new FileLeaseStore(dir).all()).as("the store is someone else's to clean").containsExactly(lease);
    }

    @Test
    void aClaimCanWaitForTheResultToBeRecorded() throws Exception {
        Ledger l = open(offer("small", 5, "7"));
        SessionKey k = session(ALICE, 1);
        l.enter(k, "small", in(HOUR));
        Thread settler = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            l.settle(k, 2, 7, in(HOUR));
        });
        settler.start();
        l.awaitSettled(k, Duration.ofSeconds(10));
        assertThat(l.claim(k, HOUR).units()).isEqualTo(2);
        settler.join();
        long t0 = System.nanoTime();
        l.enter(session(BOB, 2), "small", in(HOUR));
        l.awaitSettled(session(BOB, 2), Duration.ofMillis(50));
        assertThat(System.nanoTime() - t0).as("gives up at the timeout").isGreaterThanOrEqualTo(50_000_000L);
    }

    @Test
    void aFullOfferStillTakesPartWithCapacityZero() {
        Ledger l = open(offer("small", 2, "7"));
        l.enter(session(ALICE, 1), "small", in(HOUR));
        l.settle(session(ALICE, 1), 2, 7, in(HOUR));
        l.claim(session(ALICE, 1), HOUR);
        assertThat(l.enter(session(BOB, 2), "small", in(HOUR))).isEqualTo(new SessionInput(0, 7));
    }

    @Test
    void aResultAwardingMoreThanTheInputIsRefusedAndReleased() {
        Ledger l = open(offer("small", 5, "7"));
        l.enter(session(ALICE, 1), "small", in(HOUR));
        assertThatThrownBy(() -> l.settle(session(ALICE, 1), 6, 7, in(HOUR)))
                .isInstanceOf(LedgerException.class).hasMessageContaining("does not match");
        assertThat(l.balance("small").free()).isEqualTo(5);
        assertThatThrownBy(() -> l.claim(session(ALICE, 1), HOUR)).hasMessageContaining("nothing to claim");
    }

    @Test
    void sessionsAndClaimsAreCheckedAgainstTheirOwner() {
        Ledger l = open(offer("small", 5, "7"));
        l.enter(session(ALICE, 1), "small", in(HOUR));
        assertThatThrownBy(() -> l.enter(session(ALICE, 1), "small", in(HOUR)))
                .isInstanceOf(LedgerException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> l.enter(session(ALICE, 2), "large", in(HOUR))).hasMessageContaining("no offer named 'large'");
        assertThatThrownBy(() -> l.claim(session(ALICE, 1), HOUR)).hasMessageContaining("has not finished");
        l.settle(session(ALICE, 1), 3, 7, in(HOUR));
        // Bob knows Alice's session id but is not Alice: nothing to claim for him.
        assertThatThrownBy(() -> l.claim(new SessionKey(BOB, session(ALICE, 1).sessionId()), HOUR))
                .extracting(e -> ((LedgerException) e).kind()).isEqualTo(LedgerException.Kind.NOT_FOUND);
        Lease lease = l.claim(session(ALICE, 1), HOUR);
        assertThat(l.claim(session(ALICE, 1), HOUR)).as("a retried claim finds the same lease").isEqualTo(lease);
        assertThatThrownBy(() -> l.renew(lease.id(), BOB, HOUR)).hasMessageContaining("no live lease");
        assertThatThrownBy(() -> l.end(lease.id(), BOB)).hasMessageContaining("no live lease");
        assertThat(l.balance("small").leased()).isEqualTo(3);
    }

    @Test
    void renewalIsClampedToTheLimitsAndNeverShortens() {
        Ledger l = open(offer("small", 5, "7"));
        Lease lease = claimed(l, ALICE, 1, 2);
        clock.advance(Duration.ofMinutes(30));
        Lease r = l.renew(lease.id(), ALICE, Duration.ofDays(99));
        assertThat(r.expiresAt()).isEqualTo(in(Duration.ofDays(1)));
        assertThat(l.renew(lease.id(), ALICE, Duration.ofMinutes(5))).isEqualTo(r);
        assertThat(l.lease(lease.id()).expiresAt()).isEqualTo(r.expiresAt());
        clock.advance(Duration.ofDays(2));
        assertThatThrownBy(() -> l.renew(lease.id(), ALICE, HOUR)).hasMessageContaining("no live lease");
    }

    @Test
    void undoingARenewalNeverShortensALaterOneNorRevivesAnEndedLease() {
        Ledger l = open(offer("small", 5, "7"));
        Lease lease = claimed(l, ALICE, 1, 2);
        Lease first = l.renew(lease.id(), ALICE, Duration.ofHours(3));
        assertThat(l.undoRenewal(lease, first)).isTrue();
        assertThat(l.lease(lease.id())).isEqualTo(lease);
        assertThat(new FileLeaseStore(dir).all()).as("durable").containsExactly(lease);

        Lease second = l.renew(lease.id(), ALICE, Duration.ofHours(3));
        clock.advance(Duration.ofMinutes(1));
        Lease third = l.renew(lease.id(), ALICE, Duration.ofHours(3));
        assertThat(l.undoRenewal(lease, second)).as("renewed again since: left alone").isFalse();
        assertThat(l.lease(lease.id())).isEqualTo(third);

        Lease ended = l.end(lease.id(), ALICE);
        assertThat(l.undoRenewal(second, third)).as("ended since: not revived").isFalse();
        assertThat(l.lease(lease.id())).isEqualTo(ended);
        assertThat(l.isLive(lease.id(), ALICE)).isFalse();
        assertThat(l.balance("small").leased()).isEqualTo(2);
    }

    @Test
    void aReleaseDuringARenewalLeavesNoNamespaceBehind() {
        Ledger l = open(offer("small", 5, "7"));
        Lease lease = claimed(l, ALICE, 1, 2);
        // A provisioner during which the requester's release runs to completion.
        LeaseKeeper[] keeper = new LeaseKeeper[1];
        RecordingProvisioner prov = new RecordingProvisioner() {
            boolean released;

            @Override
            public io.angler.node.provision.Provisioned provision(Lease x, io.angler.node.provision.CredentialRequest c) {
                if (!released) {
                    released = true;
                    keeper[0].release(x.id(), ALICE);
                }
                return super.provision(x, c);
            }
        };
        keeper[0] = new LeaseKeeper(l, prov);
        assertThatThrownBy(() -> keeper[0].renew(lease.id(), ALICE, HOUR,
                new io.angler.node.provision.CredentialRequest.ServiceAccountToken()))
                .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.kind()).isEqualTo(LedgerException.Kind.NOT_FOUND))
                .hasMessageContaining("ended while it was being renewed");
        assertThat(prov.namespaces).as("what the renewal recreated is removed again").isEmpty();
        assertThat(l.lease(lease.id())).isNull();
        assertThat(l.balance("small").free()).isEqualTo(5);
    }

    @Test
    void expiryAndReleaseDeprovisionThenReturnTheUnits() {
        Ledger l = open(offer("small", 5, "7"));
        RecordingProvisioner prov = new RecordingProvisioner();
        LeaseKeeper keeper = new LeaseKeeper(l, prov);
        Lease a = keeper.claim(withWin(l, ALICE, 1, 2), HOUR, new io.angler.node.provision.CredentialRequest.ServiceAccountToken()).lease();
        Lease b = keeper.claim(withWin(l, BOB, 2, 3), Duration.ofMinutes(10), new io.angler.node.provision.CredentialRequest.ServiceAccountToken()).lease();
        assertThat(prov.namespaces).containsExactlyInAnyOrder(a.namespace(), b.namespace());
        assertThat(l.balance("small").free()).isZero();

        clock.advance(Duration.ofMinutes(10));
        prov.failDeprovision = true;
        assertThat(keeper.sweep()).isZero();
        assertThat(l.balance("small").leased()).as("units stay held until the namespace is gone").isEqualTo(5);
        prov.failDeprovision = false;
        assertThat(keeper.sweep()).isEqualTo(1);
        assertThat(prov.namespaces).containsExactly(a.namespace());
        assertThat(l.balance("small").free()).isEqualTo(3);

        keeper.release(a.id(), ALICE);
        assertThat(prov.namespaces).isEmpty();
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(5, 0, 0, 5));
        assertThat(l.leases()).isEmpty();
    }

    @Test
    void failedProvisioningReleasesTheAllocation() {
        Ledger l = open(offer("small", 5, "7"));
        RecordingProvisioner prov = new RecordingProvisioner();
        prov.failProvision = true;
        LeaseKeeper keeper = new LeaseKeeper(l, prov);
        SessionKey k = withWin(l, ALICE, 1, 2);
        assertThatThrownBy(() -> keeper.claim(k, HOUR, new io.angler.node.provision.CredentialRequest.ServiceAccountToken()))
                .hasMessageContaining("provisioning failed: cluster unreachable; the allocation was released");
        assertThat(l.balance("small").free()).isEqualTo(5);
    }

    @Test
    void unclaimedWinsAndAbandonedSessionsTimeOut() {
        Ledger l = open(offer("small", 5, "7"));
        SessionKey bob = session(BOB, 2);
        l.enter(bob, "small", in(HOUR));
        l.settle(bob, 2, 7, in(Duration.ofMinutes(2)));
        assertThat(l.enter(session(ALICE, 1), "small", in(Duration.ofMinutes(1))).capacity()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(1));
        assertThat(l.dropStaleReservations()).as("the session deadline has passed").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(l.dropStaleReservations()).as("the claim window has passed").isEqualTo(1);
        assertThat(l.balance("small").free()).isEqualTo(5);
        assertThatThrownBy(() -> l.claim(session(BOB, 2), HOUR)).hasMessageContaining("claim window");
    }

    @Test
    void aRestartLosesNoLeaseAndCountsNoUnitTwice() {
        Ledger l = open(offer("small", 10, "7"));
        Lease a = claimed(l, ALICE, 1, 3);
        SessionKey waiting = withWin(l, BOB, 2, 2);
        l.enter(session(BOB, 3), "small", in(HOUR)); // a session that dies with the process
        assertThat(l.balance("small")).isEqualTo(new Ledger.Balance(10, 3, 7, 0));

        Ledger after = open(offer("small", 10, "7"));
        assertThat(after.leases()).containsExactly(a);
        assertThat(after.balance("small")).as("the running session's reservation died with the process")
                .isEqualTo(new Ledger.Balance(10, 3, 2, 5));
        Lease b = after.claim(waiting, HOUR);
        assertThat(b.units()).isEqualTo(2);

        Ledger third = open(offer("small", 10, "7"));
        assertThat(third.leases()).containsExactlyInAnyOrder(a, b);
        assertThat(third.balance("small")).isEqualTo(new Ledger.Balance(10, 5, 0, 5));
    }

    @Test
    void aCrashBetweenStoringTheLeaseAndDroppingTheReservationCountsTheUnitsOnce() throws Exception {
        Ledger l = open(offer("small", 10, "7"));
        SessionKey k = withWin(l, ALICE, 1, 4);
        byte[] wonBeforeClaim = Files.readAllBytes(dir.resolve(ReservationFile.FILE_NAME));
        l.claim(k, HOUR);
        // The state a crash right after store.put would leave: lease stored, reservation still on disk.
        Files.write(dir.resolve(ReservationFile.FILE_NAME), wonBeforeClaim);
        Ledger after = open(offer("small", 10, "7"));
        assertThat(after.balance("small")).isEqualTo(new Ledger.Balance(10, 4, 0, 6));
        assertThat(after.claim(k, HOUR).units()).as("the retried claim gets the stored lease").isEqualTo(4);
    }

    @Test
    void aReleaseInterruptedByACrashIsFinishedAtTheNextStart() {
        Ledger l = open(offer("small", 10, "7"));
        Lease a = claimed(l, ALICE, 1, 3);
        l.end(a.id(), ALICE); // crash before deprovisioning
        clock.advance(Duration.ofSeconds(1));
        RecordingProvisioner prov = new RecordingProvisioner();
        prov.namespaces.add(a.namespace());
        Ledger after = open(offer("small", 10, "7"));
        new LeaseKeeper(after, prov).sweep();
        assertThat(prov.namespaces).isEmpty();
        assertThat(after.balance("small").free()).isEqualTo(10);
    }

    @Test
    void aCorruptLeaseFileStopsTheStartWithAClearMessage() throws Exception {
        Files.writeString(dir.resolve(FileLeaseStore.FILE_NAME), "{\"version\":1,\"leases\":[{\"id\":\"x\"}]}");
        assertThatThrownBy(() -> new FileLeaseStore(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leases.json leases[0]: lease x: field 'offer' is missing")
                .hasMessageContaining("move it aside");
        Files.writeString(dir.resolve(FileLeaseStore.FILE_NAME), "{\"version\":1,\"leases\":[");
        assertThatThrownBy(() -> new FileLeaseStore(dir)).hasMessageContaining("is not valid JSON");
    }

    @Test
    void aBrokenPriceFunctionTakesPartWithNothingToGive() {
        Ledger l = open(offer("small", 4, "10/(r-2)"));
        assertThat(l.enter(session(ALICE, 1), "small", in(HOUR)).capacity()).isEqualTo(4);
        l.settle(session(ALICE, 1), 2, 5, in(HOUR));
        assertThat(l.enter(session(BOB, 2), "small", in(HOUR)).capacity()).as("f(4, 2) divides by zero").isZero();
    }

    /** Many threads start, settle and claim sessions on one offer: never more units out than exist. */
    @Test
    void concurrentSessionsNeverOversell() throws Exception {
        Ledger l = open(offer("small", 50, "(2*(q-r))+20"));
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Lease> granted = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                start.await();
                for (int i = 0; i < perThread; i++) {
                    SessionKey k = new SessionKey(ALICE, HexFormat.of().formatHex(randomBytes(16)));
                    SessionInput in = l.enter(k, "small", in(HOUR));
                    long want = 1 + rnd.nextInt(6);
                    if (in.capacity() >= want && rnd.nextBoolean()) {
                        l.settle(k, want, in.price(), in(HOUR));
                        granted.add(l.claim(k, HOUR));
                    } else if (rnd.nextBoolean()) {
                        l.settle(k, 0, 0, in(HOUR));
                    } else {
                        l.abort(k);
                    }
                    Ledger.Balance b = l.balance("small");
                    assertThat(b.leased() + b.reserved()).isLessThanOrEqualTo(b.quantity());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long total = granted.stream().mapToLong(Lease::units).sum();
        assertThat(total).isLessThanOrEqualTo(50).isEqualTo(l.balance("small").leased());
        assertThat(l.balance("small").reserved()).isZero();
        assertThat(open(offer("small", 50, "7")).balance("small").leased()).isEqualTo(total);
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    SessionKey withWin(Ledger l, String requester, int n, long units) {
        SessionKey k = session(requester, n);
        SessionInput in = l.enter(k, "small", in(HOUR));
        l.settle(k, units, in.price(), in(HOUR));
        return k;
    }

    Lease claimed(Ledger l, String requester, int n, long units) {
        return l.claim(withWin(l, requester, n, units), HOUR);
    }
}
