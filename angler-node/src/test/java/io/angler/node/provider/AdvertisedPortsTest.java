package io.angler.node.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.angler.mpc.net.TlsIdentity;
import io.angler.node.config.AdvertisedPorts;
import io.angler.node.config.ConfigException;
import io.angler.node.config.ProviderConfig;
import io.angler.node.config.ProviderConfigLoader;
import io.angler.node.control.ControlClient;
import io.angler.node.provision.ManifestProvisioner;
import io.angler.node.provision.NamespaceManifests;
import io.angler.node.requester.RequesterSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code node.advertise}: the ports a provider tells others when a forward or relay stands in front of it. */
class AdvertisedPortsTest {
    @TempDir
    Path dir;

    ProviderConfig config(String advertise) {
        String yaml = """
                node:
                  dataDir: data
                  listen: 127.0.0.1:0
                  mpcListen: 127.0.0.1:0
                  metrics: "off"
                %s
                offers:
                  - {name: small, unit: "cpu=200m,memory=128Mi", quantity: 5, price: "7", location: dn5bpsbw}
                provisioner: {directory: manifests}
                """.formatted(advertise);
        return ProviderConfigLoader.parse("p.yaml", yaml.getBytes(StandardCharsets.UTF_8), dir);
    }

    @Test
    void theConfigurationReadsBothPortsEachOptional() {
        assertThat(config("").node().advertise()).isEqualTo(AdvertisedPorts.LISTENING);
        assertThat(config("  advertise: {controlPort: 17400, mpcPort: 17401}").node().advertise())
                .isEqualTo(new AdvertisedPorts(17400, 17401));
        assertThat(config("  advertise: {mpcPort: 17401}").node().advertise()).isEqualTo(new AdvertisedPorts(0, 17401));
        AdvertisedPorts mpcOnly = new AdvertisedPorts(0, 17401);
        assertThat(mpcOnly.control(7400)).isEqualTo(7400);
        assertThat(mpcOnly.mpc(7401)).isEqualTo(17401);
    }

    @Test
    void badPortsAreNamedErrors() {
        assertThatThrownBy(() -> config("  advertise: {controlPort: 0}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.advertise.controlPort");
        assertThatThrownBy(() -> config("  advertise: {mpcPort: 70000}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.advertise.mpcPort");
        assertThatThrownBy(() -> config("  advertise: {port: 1}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> new RequesterSettings(dir, new io.angler.node.config.HostPort("127.0.0.1", 0), null,
                io.angler.node.select.RuntimeModel.loadDefault(), Duration.ofSeconds(1), 65536))
                .hasMessageContaining("advertised MPC port 65536");
    }

    @Test
    void theProbeReplyCarriesTheAdvertisedMpcPort() throws Exception {
        ProviderConfig c = config("  advertise: {mpcPort: 17401}");
        ManifestProvisioner prov = new ManifestProvisioner(c.provisioner().directory(),
                new NamespaceManifests(c.provisioner().egress()), null);
        try (ProviderNode node = ProviderNode.start(c, prov, null, null, Clock.systemUTC());
             ControlClient client = ControlClient.connect(TlsIdentity.ephemeral("requester"), node.controlAddress(), null,
                     Duration.ofSeconds(10))) {
            assertThat(node.mpcAddress().getPort()).isNotEqualTo(17401);
            assertThat(client.probe(1).mpcPort()).isEqualTo(17401);
        }
    }
}
