package io.angler.core.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceUnitTest {

    @ParameterizedTest
    @CsvSource({
        "200m, 0.2",
        "0.2, 0.2",
        "1, 1",
        "1.5, 1.5",
        "128Mi, 134217728",
        "1Gi, 1073741824",
        "1G, 1000000000",
        "1k, 1000",
        "1e3, 1000",
        "1E3, 1000",
        "2.5e-1, 0.25",
        "100u, 0.0001",
        "5n, 0.000000005",
        "1Ki, 1024",
        ".5, 0.5",
        "+3, 3",
        "1E, 1000000000000000000",
    })
    void parsesKubernetesQuantities(String text, String expected) {
        assertThat(Quantity.parse("x", text)).isEqualByComparingTo(new BigDecimal(expected));
    }

    @ParameterizedTest
    @CsvSource({
        "'', empty",
        "abc, not a Kubernetes quantity",
        "1.2.3, not a Kubernetes quantity",
        "1KiB, not a Kubernetes quantity",
        "1 Gi, not a Kubernetes quantity",
        "-1, negative",
        "-200m, negative",
        "1e99, exponent",
        "1x, not a Kubernetes quantity",
        "0x10, not a Kubernetes quantity",
    })
    void rejectsMalformedQuantities(String text, String message) {
        assertThatThrownBy(() -> Quantity.parse("memory", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory")
                .hasMessageContaining(message);
    }

    @Test
    void equalBundlesHaveOneCanonicalForm() {
        ResourceUnit a = ResourceUnit.parse("cpu=0.2,memory=128Mi");
        ResourceUnit b = ResourceUnit.parse("memory=134217728, cpu=200m");
        assertThat(a).isEqualTo(b);
        assertThat(a.canonical()).isEqualTo("cpu=200m,memory=134217728");
        assertThat(a.sha1()).isEqualTo(b.sha1());
    }

    @Test
    void hashIsSha1OfTheCanonicalText() {
        // Expected values computed outside Java: printf 'cpu=1000m' | sha1sum
        assertThat(HexFormat.of().formatHex(ResourceUnit.parse("cpu=1").sha1())).isEqualTo("ce38dc945030a28a6facb100483e5350f34d168c");
        assertThat(HexFormat.of().formatHex(ResourceUnit.parse("memory=128Mi,cpu=0.2").sha1())).isEqualTo("df00fec57d58eb0210802725086b7a22bbda8631");
    }

    @Test
    void extendedResourcesAreWholeNumbers() {
        ResourceUnit u = ResourceUnit.parse("cpu=1,memory=1Gi,nvidia.com/gpu=1,ephemeral-storage=10Gi");
        assertThat(u.amounts()).containsEntry("nvidia.com/gpu", 1L).containsEntry("ephemeral-storage", 10737418240L);
        assertThat(u.canonical()).isEqualTo("cpu=1000m,ephemeral-storage=10737418240,memory=1073741824,nvidia.com/gpu=1");
        assertThatThrownBy(() -> ResourceUnit.parse("nvidia.com/gpu=0.5"))
                .hasMessageContaining("nvidia.com/gpu=0.5").hasMessageContaining("whole number");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty",
        "cpu|not of the form name=quantity",
        "cpu=1,cpu=2|given twice",
        "cpu=0|cpu=0 is zero",
        "cpu=0,memory=0|is zero",
        "cpu=-1|negative",
        "cpu=1u|millicores",
        "memory=0.5|whole number",
        "memory=1e30|too large",
        "memory=99999999Ei|too large",
        "=1|name is empty",
        "Bad Name=1|not a valid Kubernetes resource name",
        "cpu=1,|not of the form",
        "cpu=abc|cpu: 'abc' is not a Kubernetes quantity",
    })
    void rejectsMalformedUnitsNamingTheField(String text, String message) {
        assertThatThrownBy(() -> ResourceUnit.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void timesGivesQuotaQuantities() {
        ResourceUnit u = ResourceUnit.parse("cpu=200m,memory=128Mi");
        assertThat(u.times(5)).isEqualTo(Map.of("cpu", "1000m", "memory", Long.toString(5 * 134217728L)));
        assertThat(u.times(65535)).containsEntry("memory", Long.toString(65535L * 134217728L));
        assertThatThrownBy(() -> u.times(-1)).hasMessageContaining("negative");
    }

    @Test
    void rejectsTooManyResources() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            sb.append(i == 0 ? "" : ",").append("example.com/r").append(i).append("=1");
        }
        assertThatThrownBy(() -> ResourceUnit.parse(sb.toString())).hasMessageContaining("at most 16");
    }
}
