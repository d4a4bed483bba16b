package io.angler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Argument errors of {@code angler operator}; the operator itself is tested in angler-k8s. */
class OperatorCommandTest {

    @Test
    void helpDescribesTheCommand() {
        DemoCommandTest.Run run = DemoCommandTest.run("operator", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--kubeconfig", "--public-server", "--egress", "--service-account");
    }

    @Test
    void badArgumentsAreNamed() {
        DemoCommandTest.Run run = DemoCommandTest.run("operator", "--egress", "wide", "--kubeconfig", "/nonexistent");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("egress 'wide' is not one of isolated, internet, open");
        run = DemoCommandTest.run("operator", "--kubeconfig", "/nonexistent/kubeconfig");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("kubeconfig /nonexistent/kubeconfig does not exist");
        run = DemoCommandTest.run("operator", "--certificate-wait", "0");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--certificate-wait 0 is outside 1..3600");
    }
}
