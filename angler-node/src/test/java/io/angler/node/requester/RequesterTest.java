package io.angler.node.requester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.angler.core.placement.Allocation;
import io.angler.core.placement.Bid;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementOutcome;
import io.angler.core.placement.PlacementRequest;
import io.angler.core.placement.PlaintextPlacement;
import io.angler.dht.Candidate;
import io.angler.node.lease.Ledger;
import io.angler.node.provider.ProviderNode;
import io.angler.node.provision.Yaml;
import io.angler.node.testing.IdealMpc;
import io.angler.node.testing.LoopbackPool;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The requester's whole flow against provider nodes on loopback: probe, selection, set-up over
 * mutual TLS, the placement (played by the ideal functionality, a TEST DOUBLE, until the engine is
 * in), claims, kubeconfigs and the lease record. Every result is checked against the plaintext
 * oracle fed with what each provider actually had free.
 */
class RequesterTest {
    @TempDir
    Path dir;
    LoopbackPool pool;

    LoopbackPool pool() {
        pool = new LoopbackPool(dir, new IdealMpc(Duration.ofSeconds(5)));
        return pool;
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    /** The oracle's answer for the session the requester ran, from each provider's free units before it. */
    static PlacementOutcome oracle(RequestResult r, Map<String, Bid> bidsByFingerprint) {
        List<Bid> bids = new ArrayList<>();
        for (RequestResult.SessionProvider p : r.providers()) {
            bids.add(bidsByFingerprint.get(p.fingerprint()));
        }
        return PlaintextPlacement.place(r.mode(), r.request(), bids);
    }

    Map<String, Bid> bids(List<String> names) {
        Map<String, Bid> out = new HashMap<>();
        for (String n : names) {
            out.put(pool.provider(n).fingerprint(), pool.bidOf(n));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(PlacementMode.class)
    void theWholeFlowMatchesThePlaintextOracleInEachMode(PlacementMode mode) throws Exception {
        pool();
        Random rnd = new Random(mode.ordinal() + 11);
        List<String> names = List.of("p1", "p2", "p3", "p4");
        for (String n : names) {
            pool.start(n, rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(12), Long.toString(50 + rnd.nextInt(100)));
        }
        Requester requester = pool.requester("req");
        Path out = dir.resolve("out");
        int served = 0;
        int leases = 0;
        for (int round = 0; round < 4; round++) {
            long units = 1 + rnd.nextInt(mode == PlacementMode.SPLIT ? 14 : 7);
            int m = mode == PlacementMode.SPLIT ? 1 + rnd.nextInt(3) : 1;
            Map<String, Bid> before = bids(names);
            RequestResult r = requester.request(pool.spec(mode, units, m, out), pool.candidates(), line -> { });

            assertThat(r.providers()).hasSize(4);
            assertThat(r.request()).isEqualTo(new PlacementRequest(units, m));
            PlacementOutcome expected = oracle(r, before);
            assertThat(r.allocations()).as("round %d", round).isEqualTo(expected.allocations());
            assertThat(r.leases()).hasSize(expected.allocations().size());
            for (int i = 0; i < r.leases().size(); i++) {
                Allocation a = expected.allocations().get(i);
                HeldLease l = r.leases().get(i);
                String winner = pool.nameOf(r.providers().get(a.provider() - 1).fingerprint());
                assertThat(l.providerFingerprint()).isEqualTo(pool.provider(winner).fingerprint());
                assertThat(l.units()).isEqualTo(a.units());
                assertThat(l.price()).isEqualTo(a.price());
                Path kubeconfig = Path.of(l.kubeconfig());
                assertThat(kubeconfig).exists().hasParentRaw(out);
                assertThat(Files.readString(kubeconfig)).contains("namespace: \"" + l.namespace() + "\"");
                assertThat(pool.configOf(winner).provisioner().directory().resolve(l.leaseId()).resolve("20-resourcequota.yaml"))
                        .exists();
            }
            for (String n : names) {
                ProviderNode p = pool.provider(n);
                awaitNoReservations(p);
                long won = r.leases().stream().filter(l -> l.providerFingerprint().equals(p.fingerprint()))
                        .mapToLong(HeldLease::units).sum();
                assertThat(p.ledger().balance("small").free()).as("provider %s after round %d", n, round)
                        .isEqualTo(before.get(p.fingerprint()).capacity() - won);
            }
            served += r.served() ? 1 : 0;
            leases += r.leases().size();
            assertThat(r.timingsMs()).containsKeys("discovery", "probe", "setup", "mpc", "claim", "kubeconfig", "total");
        }
        assertThat(served).as("the draws serve some requests").isPositive();
        assertThat(requester.heldLeases().all()).as("every lease is on the requester's record").hasSize(leases);
    }

    @Test
    void aProviderKilledDuringThePlacementIsExcludedAndItsReservationIsGoneAfterRestart() throws Exception {
        pool();
        pool.start("cheap", 10, "20");
        pool.start("mid", 10, "30");
        pool.start("dear", 10, "40");
        AtomicBoolean killed = new AtomicBoolean();
        RequesterRunner killing = (setup, request) -> {
            if (killed.compareAndSet(false, true)) {
                // Once every provider is in the placement, the cheapest dies.
                var session = pool.mpc.session(setup);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (session.bids().contains(null) && System.nanoTime() < end) {
                    Thread.sleep(2);
                }
                pool.kill("cheap");
            }
            return pool.mpc.requesterRunner().run(setup, request);
        };
        String cheapFingerprint = pool.provider("cheap").fingerprint();
        Requester requester = pool.requester("req", killing);
        List<String> lines = new ArrayList<>();
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 4, 1, dir.resolve("out")),
                CandidateSource.fixed(pool.addresses()), lines::add);

        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.failures()).singleElement().asString().contains("disconnect").contains("attributed to provider");
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).doesNotContain(cheapFingerprint)
                .hasSize(2);
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.providerFingerprint()).isEqualTo(pool.provider("mid").fingerprint());
            assertThat(l.price()).isEqualTo(30);
        });
        assertThat(lines).anyMatch(s -> s.startsWith("retrying with 2 provider(s), without"));

        ProviderNode back = pool.restart("cheap");
        assertThat(back.fingerprint()).isEqualTo(cheapFingerprint);
        assertThat(back.ledger().balance("small")).as("the dead session's reservation did not survive")
                .isEqualTo(new Ledger.Balance(10, 0, 0, 10));
    }

    @Test
    void aProviderThatDeviatesAbortsTheSessionForAllAndTheRetryExcludesIt() throws Exception {
        pool();
        ProviderNode cheat = pool.start("cheat", 10, "10");
        pool.start("honest", 10, "30");
        pool.start("other", 10, "35");
        pool.mpc.deviating(cheat.fingerprint());
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.SECOND_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), line -> { });

        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.failures()).singleElement().asString().contains("output-mac");
        String firstSession = pool.mpc.sessions().keySet().stream().filter(id -> !id.equals(r.sessionId())).findFirst()
                .orElseThrow();
        assertThat(pool.mpc.session(firstSession).finished()).isTrue();
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).doesNotContain(cheat.fingerprint());
        // Second price without the cheat: honest wins at other's price.
        assertThat(r.leases()).singleElement().satisfies(l -> {
            assertThat(l.providerFingerprint()).isEqualTo(pool.provider("honest").fingerprint());
            assertThat(l.price()).isEqualTo(35);
        });
        awaitNoReservations(cheat);
        assertThat(cheat.ledger().balance("small")).as("nobody accepted a result from the aborted session")
                .isEqualTo(new Ledger.Balance(10, 0, 0, 10));
        assertThat(pool.provider("other").ledger().leases()).isEmpty();
    }

    @Test
    void fiftyConcurrentRequestsAgainstFiveProvidersAreAllAnsweredAndNothingIsOversold() throws Exception {
        pool();
        long[] quantity = {12, 8, 20, 5, 15};
        String[] price = {"(2*(q-r))+20", "30", "max(10, 40 - r)", "15", "25 + q - r"};
        for (int i = 0; i < 5; i++) {
            pool.start("p" + i, quantity[i], price[i]);
        }
        List<Requester> requesters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requesters.add(pool.requester("req" + i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(10);
        List<Future<RequestResult>> futures = new ArrayList<>();
        Random rnd = new Random(5);
        for (int i = 0; i < 50; i++) {
            PlacementMode mode = PlacementMode.values()[rnd.nextInt(3)];
            long units = 1 + rnd.nextInt(mode == PlacementMode.SPLIT ? 10 : 6);
            int m = mode == PlacementMode.SPLIT ? 1 + rnd.nextInt(5) : 1;
            Requester req = requesters.get(i % 10);
            RequestSpec spec = pool.spec(mode, units, m, dir.resolve("out-" + i));
            futures.add(threads.submit(() -> req.request(spec, pool.candidates(), line -> { })));
        }
        Map<String, Long> granted = new HashMap<>();
        int served = 0;
        for (Future<RequestResult> f : futures) {
            RequestResult r = f.get(120, TimeUnit.SECONDS); // every request is answered
            long total = 0;
            for (HeldLease l : r.leases()) {
                granted.merge(l.providerFingerprint(), l.units(), Long::sum);
                total += l.units();
            }
            assertThat(total).isLessThanOrEqualTo(r.request().units());
            served += r.served() ? 1 : 0;
        }
        threads.shutdown();
        assertThat(served).isPositive();
        for (int i = 0; i < 5; i++) {
            ProviderNode p = pool.provider("p" + i);
            awaitNoReservations(p);
            Ledger.Balance b = p.ledger().balance("small");
            assertThat(b.leased()).as("provider p%d: never more than its quantity, each lease counted once", i)
                    .isEqualTo(granted.getOrDefault(p.fingerprint(), 0L)).isLessThanOrEqualTo(quantity[i]);
        }
    }

    @Test
    void aLeaseSurvivesAProviderRestartAndIsRenewedAndReleasedFromTheRecord() throws Exception {
        pool();
        pool.start("a", 10, "25");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 3, 1, dir.resolve("out")),
                pool.candidates(), line -> { });
        HeldLease lease = r.leases().get(0);
        ProviderNode again = pool.restart("a");
        assertThat(again.ledger().balance("small")).as("no lease lost, no unit counted twice")
                .isEqualTo(new Ledger.Balance(10, 3, 0, 7));

        LeaseClient leases = new LeaseClient(requester.identity(), requester.heldLeases(), Duration.ofSeconds(5));
        Path kubeconfig = Path.of(lease.kubeconfig());
        Files.writeString(kubeconfig, "stale");
        assertThatThrownBy(() -> leases.renew(lease.leaseId(), Duration.ofHours(5), LeaseClient.Credential.AS_BEFORE))
                .hasMessageContaining("does not have exactly one user entry")
                .hasMessageContaining("--token or --csr");
        Files.delete(kubeconfig); // lost: a token is asked for, and the file is written again
        LeaseClient.Renewed result = leases.renew(lease.leaseId(), Duration.ofHours(5), LeaseClient.Credential.AS_BEFORE);
        HeldLease renewed = result.lease();
        assertThat(result.certificate()).isFalse();
        assertThat(renewed.expiresAt()).isAfter(lease.expiresAt());
        assertThat(requester.heldLeases().get(lease.leaseId()).expiresAt()).isEqualTo(renewed.expiresAt());
        assertThat(again.ledger().lease(lease.leaseId()).expiresAt().toEpochMilli()).isEqualTo(renewed.expiresAt().toEpochMilli());
        // The provider provisioned the extended lease again and its kubeconfig replaced the old file.
        Path providerSide = pool.configOf("a").provisioner().directory().resolve(lease.leaseId());
        assertThat(Yaml.mapper().readTree(providerSide.resolve("00-namespace.yaml").toFile())
                .at("/metadata/annotations/angler.io~1expires-at").asText())
                .isEqualTo(again.ledger().lease(lease.leaseId()).expiresAt().toString());
        assertThat(result.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(Files.readString(kubeconfig)).isEqualTo(Files.readString(providerSide.resolve("kubeconfig.yaml")));
        assertOwnerOnlyAndNoTemporaryFile(kubeconfig);

        leases.release(lease.leaseId());
        assertThat(requester.heldLeases().all()).isEmpty();
        assertThat(again.ledger().balance("small").free()).isEqualTo(10);
        assertThatThrownBy(() -> leases.release(lease.leaseId())).hasMessageContaining("no lease " + lease.leaseId());
    }

    @Test
    void aPriceAboveTheLimitIsDeclinedAndTheWinnerReleasesTheUnits() throws Exception {
        pool();
        ProviderNode a = pool.start("a", 10, "50");
        pool.start("b", 10, "60");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 2, 1, dir.resolve("out"), 45L, false, 9),
                pool.candidates(), line -> { });
        assertThat(r.served()).isFalse();
        assertThat(r.allocations()).singleElement().satisfies(x -> assertThat(x.price()).isEqualTo(50));
        assertThat(r.declined()).isEqualTo(r.allocations());
        awaitNoReservations(a);
        assertThat(a.ledger().balance("small")).isEqualTo(new Ledger.Balance(10, 0, 0, 10));

        RequestResult ok = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 2, 1, dir.resolve("out"), 50L, false, 9),
                pool.candidates(), line -> { });
        assertThat(ok.leases()).singleElement().satisfies(l -> assertThat(l.price()).isEqualTo(50));
    }

    @Test
    void aClientCertificateKeyIsMadeHereAndOnlyTheCsrTravels() throws Exception {
        pool();
        pool.start("a", 10, "25");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 1, 1, dir.resolve("out"), null, true, 9),
                pool.candidates(), line -> { });
        HeldLease l = r.leases().get(0);
        JsonNode kubeconfig = Yaml.mapper().readTree(Path.of(l.kubeconfig()).toFile());
        String keyPem = new String(Base64.getDecoder().decode(kubeconfig.at("/users/0/user/client-key-data").asText()),
                StandardCharsets.US_ASCII);
        assertThat(keyPem).contains("BEGIN PRIVATE KEY");
        Path providerSide = pool.configOf("a").provisioner().directory().resolve(l.leaseId());
        JsonNode csrObject = Yaml.mapper().readTree(providerSide.resolve("70-certificatesigningrequest.yaml").toFile());
        String csrPem = new String(Base64.getDecoder().decode(csrObject.at("/spec/request").asText()), StandardCharsets.US_ASCII);
        PKCS10CertificationRequest csr;
        try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(csrPem.getBytes(StandardCharsets.US_ASCII))))) {
            csr = (PKCS10CertificationRequest) p.readObject();
        }
        assertThat(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue().toString())
                .isEqualTo(ClientKey.userFor(l.leaseId()));
        try (var files = Files.walk(pool.configOf("a").provisioner().directory())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as("the private key never reaches the provider: %s", f)
                        .doesNotContain("PRIVATE KEY").doesNotContain(kubeconfig.at("/users/0/user/client-key-data").asText());
            }
        }
    }

    @Test
    void aCertificateRenewalSendsANewCsrForTheSameKeyAndTheNewExpiry() throws Exception {
        pool();
        ProviderNode a = pool.start("a", 10, "25");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 1, 1, dir.resolve("out"), null, true, 9),
                pool.candidates(), line -> { });
        HeldLease l = r.leases().get(0);
        Path kubeconfig = Path.of(l.kubeconfig());
        String key = Yaml.mapper().readTree(kubeconfig.toFile()).at("/users/0/user/client-key-data").asText();
        Path providerSide = pool.configOf("a").provisioner().directory().resolve(l.leaseId());
        Path csrFile = providerSide.resolve("70-certificatesigningrequest.yaml");
        PKCS10CertificationRequest first = csrOf(Yaml.mapper().readTree(csrFile.toFile()));

        LeaseClient leases = new LeaseClient(requester.identity(), requester.heldLeases(), Duration.ofSeconds(5));
        java.time.Instant before = java.time.Instant.now();
        LeaseClient.Renewed renewed = leases.renew(l.leaseId(), Duration.ofHours(6), LeaseClient.Credential.AS_BEFORE);
        assertThat(renewed.certificate()).isTrue();
        java.time.Instant expiry = a.ledger().lease(l.leaseId()).expiresAt();
        assertThat(renewed.lease().expiresAt().toEpochMilli()).isEqualTo(expiry.toEpochMilli());
        assertThat(requester.heldLeases().get(l.leaseId()).expiresAt()).isEqualTo(renewed.lease().expiresAt());

        JsonNode csrObject = Yaml.mapper().readTree(csrFile.toFile());
        PKCS10CertificationRequest second = csrOf(csrObject);
        assertThat(second.getEncoded()).as("a new request").isNotEqualTo(first.getEncoded());
        assertThat(second.getSubjectPublicKeyInfo()).as("for the key pair made at the claim")
                .isEqualTo(first.getSubjectPublicKeyInfo());
        assertThat(second.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPublicKey(second.getSubjectPublicKeyInfo()))))
                .isTrue();
        assertThat(second.getSubject()).isEqualTo(first.getSubject());
        assertThat(csrObject.at("/metadata/annotations/angler.io~1expires-at").asText()).isEqualTo(expiry.toString());
        long asked = csrObject.at("/spec/expirationSeconds").asLong();
        assertThat(asked).as("the certificate lasts until the new expiry")
                .isBetween(Duration.between(java.time.Instant.now(), expiry).toSeconds() - 1,
                        Duration.between(before, expiry).toSeconds());
        assertThat(asked).isGreaterThan(5 * 3600);

        JsonNode written = Yaml.mapper().readTree(kubeconfig.toFile());
        assertThat(written.at("/users/0/user/client-key-data").asText()).as("the same key, added here again").isEqualTo(key);
        assertOwnerOnlyAndNoTemporaryFile(kubeconfig);
        try (var files = Files.walk(pool.configOf("a").provisioner().directory())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as("the private key never reaches the provider: %s", f)
                        .doesNotContain("PRIVATE KEY").doesNotContain(key);
            }
        }

        // Asked for a token instead: no request any more, and no key in the kubeconfig.
        LeaseClient.Renewed token = leases.renew(l.leaseId(), Duration.ofHours(6), LeaseClient.Credential.TOKEN);
        assertThat(token.certificate()).isFalse();
        assertThat(csrFile).doesNotExist();
        assertThat(Yaml.mapper().readTree(kubeconfig.toFile()).at("/users/0/user").has("client-key-data")).isFalse();
    }

    private static PKCS10CertificationRequest csrOf(JsonNode csrObject) throws Exception {
        String pem = new String(Base64.getDecoder().decode(csrObject.at("/spec/request").asText()), StandardCharsets.US_ASCII);
        try (PEMParser p = new PEMParser(new java.io.StringReader(pem))) {
            return (PKCS10CertificationRequest) p.readObject();
        }
    }

    static void assertOwnerOnlyAndNoTemporaryFile(Path file) throws Exception {
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (var siblings = Files.list(file.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void clearMessagesWhenNothingIsFoundOrNothingAnswers() throws Exception {
        pool();
        Requester requester = pool.requester("req");
        RequestSpec spec = pool.spec(PlacementMode.FIRST_PRICE, 1, 1, dir.resolve("out"));
        assertThatThrownBy(() -> requester.request(spec, (u, loc, lim) -> List.<Candidate>of(), line -> { }))
                .isInstanceOf(RequestException.class)
                .hasMessageContaining("no provider of cpu=200m,memory=134217728 was found near dn5bpsbw");
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        assertThatThrownBy(() -> requester.request(spec, CandidateSource.fixed(List.of(new InetSocketAddress("127.0.0.1", dead))),
                line -> { }))
                .isInstanceOf(RequestException.class)
                .hasMessageContaining("none of the 1 provider(s) found answered the probe");
        assertThatThrownBy(() -> pool.spec(PlacementMode.FIRST_PRICE, 1, 2, dir)).hasMessageContaining("--max-providers applies to --mode split only");
        assertThatThrownBy(() -> pool.spec(PlacementMode.SPLIT, 0, 2, dir)).hasMessageContaining("--count 0 is outside 1..65535");
    }

    @Test
    void aProviderWithNothingLeftStillTakesPartAndTheRequestIsNotServed() throws Exception {
        pool();
        ProviderNode empty = pool.start("empty", 0, "10");
        Requester requester = pool.requester("req");
        RequestResult r = requester.request(pool.spec(PlacementMode.FIRST_PRICE, 1, 1, dir.resolve("out")),
                pool.candidates(), line -> { });
        assertThat(r.attempts()).isOne();
        assertThat(r.providers()).extracting(RequestResult.SessionProvider::fingerprint).containsExactly(empty.fingerprint());
        assertThat(r.served()).isFalse();
        assertThat(r.allocations()).isEmpty();
    }

    static void awaitNoReservations(ProviderNode p) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (p.ledger().balance("small").reserved() != 0 || p.sessions().running() != 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError("reservations still held: " + p.ledger().reservations());
            }
            Thread.sleep(5);
        }
    }
}
