package io.angler.k8s.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.angler.k8s.Deploy;
import io.angler.k8s.operator.IdentitySecret;
import io.angler.node.config.NodeSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/operator.yaml holds together: the container's ports are the node's listeners, the probes
 * ask the node's health endpoints on its metrics port, the data directory is the emptyDir, and
 * the Service reaches the control, MPC and DHT ports with their protocols. (That the arguments
 * parse into these settings is checked in angler-cli's OperatorCommandTest.)
 */
class DeploymentTest {
    final List<HasMetadata> objects = Deploy.objects("operator.yaml");
    final Deployment deployment = (Deployment) objects.get(0);
    final Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    Map<String, ContainerPort> ports() {
        return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, p -> p));
    }

    @Test
    void theContainerPortsAreTheNodesListeners() {
        Map<String, ContainerPort> ports = ports();
        assertThat(ports).containsOnlyKeys("control", "mpc", "dht", "metrics");
        assertThat(ports.get("control").getContainerPort()).isEqualTo(NodeSettings.DEFAULT_CONTROL_PORT);
        assertThat(ports.get("control").getProtocol()).isEqualTo("TCP");
        assertThat(ports.get("mpc").getContainerPort()).isEqualTo(NodeSettings.DEFAULT_MPC_PORT);
        assertThat(ports.get("mpc").getProtocol()).isEqualTo("TCP");
        assertThat(ports.get("dht").getContainerPort()).isEqualTo(NodeSettings.DEFAULT_DHT_PORT);
        assertThat(ports.get("dht").getProtocol()).isEqualTo("UDP");
        assertThat(ports.get("metrics").getContainerPort()).isEqualTo(NodeSettings.DEFAULT_METRICS_PORT);
        assertThat(container.getArgs()).contains("--metrics=0.0.0.0:" + NodeSettings.DEFAULT_METRICS_PORT,
                "--dht-listen=$(POD_IP):" + NodeSettings.DEFAULT_DHT_PORT);
        EnvVar podIp = container.getEnv().stream().filter(e -> e.getName().equals("POD_IP")).findFirst().orElseThrow();
        assertThat(podIp.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        assertThat(container.getEnv()).extracting(EnvVar::getName)
                .contains("ANGLER_PUBLIC_SERVER", "ANGLER_LOCATION", "ANGLER_BOOTSTRAP", "ANGLER_NAMESPACE",
                        "ANGLER_SERVICE_ACCOUNT");
    }

    @Test
    void theProbesAskTheNodesHealthEndpoints() {
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        for (var probe : List.of(container.getReadinessProbe(), container.getLivenessProbe(),
                container.getStartupProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        }
    }

    @Test
    void theDataDirectoryIsAnEmptyDirAndTheIdentityIsInItsSecret() {
        String dataDir = container.getArgs().stream().filter(a -> a.startsWith("--data-dir=")).findFirst().orElseThrow()
                .substring("--data-dir=".length());
        var mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(dataDir)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at --data-dir " + dataDir));
        Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getEmptyDir()).isNotNull();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        // the identity Secret's name is the one the operator uses by default and the RBAC grants
        assertThat(container.getArgs()).noneMatch(a -> a.startsWith("--identity-secret"));
        assertThat(RbacRules.role().getRules()).anySatisfy(r -> assertThat(r.getResourceNames())
                .containsExactly(IdentitySecret.DEFAULT_NAME));
    }

    @Test
    void theServiceReachesControlMpcAndDhtWithTheirProtocolsAndPortNumbers() {
        Service service = (Service) objects.get(1);
        assertThat(service.getMetadata().getNamespace()).isEqualTo(deployment.getMetadata().getNamespace());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
        Map<String, ContainerPort> ports = ports();
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName)
                .containsExactlyInAnyOrder("control", "mpc", "dht");
        for (ServicePort sp : service.getSpec().getPorts()) {
            ContainerPort target = ports.get(sp.getTargetPort().getStrVal());
            assertThat(target).as(sp.getName()).isNotNull();
            assertThat(sp.getProtocol()).as(sp.getName()).isEqualTo(target.getProtocol());
            assertThat(sp.getPort()).as("%s: the node tells requesters its own port numbers", sp.getName())
                    .isEqualTo(target.getContainerPort());
        }
    }
}
