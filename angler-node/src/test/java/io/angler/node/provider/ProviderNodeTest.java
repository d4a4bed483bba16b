package io.angler.node.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.core.placement.Allocation;
import io.angler.core.placement.PlacementMode;
import io.angler.core.placement.PlacementRequest;
import io.angler.mpc.net.TlsIdentity;
import io.angler.core.offer.Offer;
import io.angler.core.offer.PriceFunction;
import io.angler.node.config.OfferConfig;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.control.ControlClient;
import io.angler.node.lease.Ledger;
import io.angler.node.protocol.ErrorCode;
import io.angler.node.protocol.Message;
import io.angler.node.protocol.ProtocolException;
import io.angler.node.provision.CredentialRequest;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.testing.IdealMpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderNodeTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final TlsIdentity REQUESTER = TlsIdentity.ephemeral("requester");

    @TempDir
    Path dir;
    final IdealMpc mpc = new IdealMpc();

    ProviderConfig config(String name, long quantity, String price) {
        String yaml = """
                node:
                  dataDir: %s-data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  metrics: 127.0.0.1:0
                offers:
                  - name: small
                    unit: cpu=200m,memory=128Mi
                    quantity: %d
                    price: "%s"
                    location: dn5bpsbw
                provisioner: {directory: %s-manifests}
                """.formatted(name, quantity, price, name);
        return ProviderConfigLoader.parse(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    ProviderNode start(ProviderConfig c, boolean canPlace) {
        ManifestProvisioner prov = new ManifestProvisioner(c.provisioner().directory(),
                new NamespaceManifests(c.provisioner().egress()), null);
        return ProviderNode.start(c, prov, null, canPlace ? listener -> mpc.providerRunner() : null, Clock.systemUTC());
    }

    @Test
    void theIdentityIsMadeOnceAndKeptAcrossRestarts() throws Exception {
        ProviderConfig c = config("a", 5, "7");
        String first;
        try (ProviderNode node = start(c, true)) {
            first = node.fingerprint();
            assertThat(c.node().dataDir().resolve(TlsIdentity.KEY_FILE)).exists();
            try (ControlClient client = ControlClient.connect(REQUESTER, node.controlAddress(), null, TIMEOUT)) {
                assertThat(client.probe(2).fingerprint()).isEqualTo(first);
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.opsAddress().getPort() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok\n");
        }
        try (ProviderNode again = start(c, true)) {
            assertThat(again.fingerprint()).isEqualTo(first);
        }
    }

    @Test
    void aLeaseOverTlsSurvivesARestartAndIsReleasedAfterIt() throws Exception {
        ProviderConfig ca = config("a", 10, "(2*(q-r))+20");
        ProviderConfig cb = config("b", 10, "50");
        ProviderNode a = start(ca, true);
        ProviderNode b = start(cb, true);
        Message.ClaimReply claim;
        String sid = "00112233445566778899aabbccddeeff";
        try {
            List<ProviderNode> nodes = List.of(a, b);
            List<Message.Party> parties = new ArrayList<>();
            parties.add(new Message.Party("127.0.0.1", 1, REQUESTER.fingerprint()));
            for (ProviderNode n : nodes) {
                try (ControlClient c = ControlClient.connect(REQUESTER, n.controlAddress(), null, TIMEOUT)) {
                    ControlClient.ProbeResult p = c.probe(1);
                    parties.add(new Message.Party("127.0.0.1", p.mpcPort(), p.fingerprint()));
                }
            }
            String key = ca.offers().get(0).poolKeys().get(1).hex();
            Message.SessionSetup setup = new Message.SessionSetup(sid, key, PlacementMode.SECOND_PRICE, 16, 32, parties,
                    System.currentTimeMillis() + 60_000);
            for (int i = 0; i < 2; i++) {
                try (ControlClient c = ControlClient.connect(REQUESTER, nodes.get(i).controlAddress(), parties.get(i + 1).fingerprint(), TIMEOUT)) {
                    assertThat(c.setup(setup).partyIndex()).isEqualTo(i + 1);
                }
            }
            assertThat(mpc.session(setup).request(PlacementRequest.single(3))).containsExactly(new Allocation(1, 3, 50));
            claim = claim(a, sid);
            assertThat(claim.units()).isEqualTo(3);
            assertThat(claim.price()).isEqualTo(50);
            assertThat(claim.kubeconfig()).contains("namespace: \"" + claim.namespace() + "\"");
            assertThat(ca.provisioner().directory().resolve(claim.leaseId()).resolve("20-resourcequota.yaml")).exists();
        } finally {
            a.close();
            b.close();
        }
        try (ProviderNode again = start(ca, true)) {
            assertThat(again.ledger().balance("small")).as("no lease lost, no unit counted twice")
                    .isEqualTo(new Ledger.Balance(10, 3, 0, 7));
            try (ControlClient c = ControlClient.connect(REQUESTER, again.controlAddress(), again.fingerprint(), TIMEOUT)) {
                assertThat(c.renew(claim.leaseId(), Duration.ofHours(2), new CredentialRequest.ServiceAccountToken()).expiresAtEpochMs()).isGreaterThan(claim.expiresAtEpochMs());
                assertThat(c.claim(sid, Duration.ofHours(1), new CredentialRequest.ServiceAccountToken()).leaseId())
                        .as("a repeated claim returns the same lease").isEqualTo(claim.leaseId());
                c.release(claim.leaseId());
                assertThatThrownBy(() -> c.release(claim.leaseId())).isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("no live lease");
            }
            assertThat(again.ledger().balance("small").free()).isEqualTo(10);
            assertThat(ca.provisioner().directory().resolve(claim.leaseId())).doesNotExist();
        }
    }

    @Test
    void aNodeStartedWithoutAPlacementEngineRefusesSetupsSayingSo() throws Exception {
        ProviderConfig ca = config("a", 10, "7");
        try (ProviderNode a = start(ca, false);
             ControlClient c = ControlClient.connect(REQUESTER, a.controlAddress(), null, TIMEOUT)) {
            List<Message.Party> parties = List.of(new Message.Party("127.0.0.1", 1, REQUESTER.fingerprint()),
                    new Message.Party("127.0.0.1", 2, a.fingerprint()));
            Message.SessionSetup setup = new Message.SessionSetup("00112233445566778899aabbccddeeff",
                    ca.offers().get(0).poolKeys().get(0).hex(), PlacementMode.FIRST_PRICE, 16, 32, parties,
                    System.currentTimeMillis() + 60_000);
            ProtocolException e = org.assertj.core.api.Assertions.catchThrowableOfType(ProtocolException.class, () -> c.setup(setup));
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e).hasMessageContaining("does not take part in placements");
            assertThat(a.ledger().balance("small").reserved()).isZero();
        }
        assertThat(Files.exists(ca.node().dataDir().resolve("leases.json"))).isFalse();
    }

    @Test
    void offersPublishedAtRunTimeAreServedReplacedAndWithdrawn() throws Exception {
        ProviderConfig base = config("dyn", 1, "1");
        var settings = base.node();
        ManifestProvisioner prov = new ManifestProvisioner(base.provisioner().directory(),
                new NamespaceManifests(base.provisioner().egress()), null);
        try (ProviderNode node = ProviderNode.start(settings, base.offers().get(0).offer().location(), List.of(), prov,
                null, listener -> mpc.providerRunner(), Clock.systemUTC())) {
            assertThat(node.config()).isNull();
            OfferConfig small = new OfferConfig(base.offers().get(0).offer(), List.of(5, 6));
            String key = small.poolKeys().get(0).hex(); // precision 5
            String key6 = small.poolKeys().get(1).hex();
            assertThat(setupError(node, key, "00000000000000000000000000000001").code()).isEqualTo(ErrorCode.UNKNOWN_POOL);

            node.publish(new OfferConfig(new Offer("small", small.offer().unit(), 8, PriceFunction.parse("40"),
                    small.offer().location(), small.offer().leaseLimits()), List.of(5, 6)));
            assertThat(node.announceProblem("small")).as("no DHT: nothing to wait for").isEmpty();
            String sid = "00000000000000000000000000000002";
            var first = setup(node, key, sid);
            assertThat(mpc.session(first).request(PlacementRequest.single(3))).containsExactly(new Allocation(1, 3, 40));
            assertThat(claim(node, sid).units()).isEqualTo(3);
            assertThat(node.ledger().balance("small")).isEqualTo(new Ledger.Balance(8, 3, 0, 5));

            // re-priced, now announced at precision 6 only: the precision-5 key is no longer served
            node.publish(new OfferConfig(new Offer("small", small.offer().unit(), 8, PriceFunction.parse("2*r"),
                    small.offer().location(), small.offer().leaseLimits()), List.of(6)));
            assertThat(setupError(node, key, "00000000000000000000000000000003").code()).isEqualTo(ErrorCode.UNKNOWN_POOL);
            String sid4 = "00000000000000000000000000000004";
            var second = setup(node, key6, sid4);
            assertThat(mpc.session(second).request(PlacementRequest.single(1))).containsExactly(new Allocation(1, 1, 10));

            assertThatThrownBy(() -> node.publish(new OfferConfig(new Offer("twin", small.offer().unit(), 1,
                    PriceFunction.parse("1"), small.offer().location(), small.offer().leaseLimits()), List.of(6))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share the pool key");
            assertThat(node.ledger().offer("twin")).as("a refused offer changes nothing").isEmpty();

            node.withdraw("small");
            node.withdraw("small");
            assertThat(setupError(node, key6, "00000000000000000000000000000005").code())
                    .isEqualTo(ErrorCode.UNKNOWN_POOL);
            assertThat(node.ledger().leases()).as("its lease runs on").hasSize(1);
        }
    }

    Message.SessionSetup setup(ProviderNode node, String key, String sid) throws Exception {
        List<Message.Party> parties = List.of(new Message.Party("127.0.0.1", 1, REQUESTER.fingerprint()),
                new Message.Party("127.0.0.1", node.mpcAddress().getPort(), node.fingerprint()));
        Message.SessionSetup setup = new Message.SessionSetup(sid, key, PlacementMode.FIRST_PRICE, 16, 32, parties,
                System.currentTimeMillis() + 60_000);
        try (ControlClient c = ControlClient.connect(REQUESTER, node.controlAddress(), node.fingerprint(), TIMEOUT)) {
            c.setup(setup);
        }
        return setup;
    }

    ProtocolException setupError(ProviderNode node, String key, String sid) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(ProtocolException.class, () -> setup(node, key, sid));
    }

    Message.ClaimReply claim(ProviderNode winner, String sid) throws Exception {
        try (ControlClient c = ControlClient.connect(REQUESTER, winner.controlAddress(), winner.fingerprint(), TIMEOUT)) {
            return c.claim(sid, Duration.ofHours(1), new CredentialRequest.ServiceAccountToken());
        }
    }
}
