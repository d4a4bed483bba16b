package io.angler.k8s.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.k8s.Deploy;
import io.angler.k8s.TestLeases;
import io.angler.k8s.lease.PoolLeases;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The hand-written CRDs in deploy/crds agree with the Java model and validate what they should. */
class CrdSchemaTest {
    static final CustomResourceDefinition CONTRIBUTIONS = Deploy.crd("poolcontributions.angler.io");
    static final CustomResourceDefinition LEASES = Deploy.crd("poolleases.angler.io");

    static CustomResourceDefinitionVersion version(CustomResourceDefinition crd) {
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        return crd.getSpec().getVersions().get(0);
    }

    static JSONSchemaProps schema(CustomResourceDefinition crd) {
        return version(crd).getSchema().getOpenAPIV3Schema();
    }

    static Set<String> components(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void namesScopeAndVersionMatchTheJavaClasses() {
        check(CONTRIBUTIONS, PoolContribution.class, "Cluster");
        check(LEASES, PoolLease.class, "Namespaced");
    }

    private static void check(CustomResourceDefinition crd, Class<? extends CustomResource<?, ?>> type, String scope) {
        assertThat(crd.getMetadata().getName()).isEqualTo(HasMetadata.getFullResourceName(type));
        assertThat(crd.getSpec().getGroup()).isEqualTo(HasMetadata.getGroup(type));
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo(HasMetadata.getKind(type));
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(HasMetadata.getPlural(type));
        assertThat(crd.getSpec().getNames().getSingular()).isEqualTo(HasMetadata.getSingular(type));
        assertThat(crd.getSpec().getNames().getShortNames())
                .containsExactlyElementsOf(Arrays.asList(CustomResource.getShortNames(type)));
        assertThat(crd.getSpec().getScope()).isEqualTo(scope);
        assertThat(Namespaced.class.isAssignableFrom(type)).isEqualTo(scope.equals("Namespaced"));
        CustomResourceDefinitionVersion v = version(crd);
        assertThat(v.getName()).isEqualTo(HasMetadata.getVersion(type));
        assertThat(v.getServed()).isTrue();
        assertThat(v.getStorage()).isTrue();
        assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
    }

    @Test
    void schemaPropertiesAreTheRecordComponents() {
        JSONSchemaProps pc = schema(CONTRIBUTIONS);
        assertThat(pc.getProperties().get("spec").getProperties().keySet())
                .isEqualTo(components(PoolContribution.Spec.class));
        assertThat(pc.getProperties().get("spec").getProperties().get("leaseLimits").getProperties().keySet())
                .isEqualTo(components(PoolContribution.LeaseLimitsSpec.class));
        assertThat(pc.getProperties().get("status").getProperties().keySet())
                .isEqualTo(components(PoolContribution.Status.class));
        JSONSchemaProps pl = schema(LEASES);
        assertThat(pl.getProperties().get("spec").getProperties().keySet()).isEqualTo(components(PoolLease.Spec.class));
        assertThat(new TreeSet<>(pl.getProperties().get("spec").getRequired()))
                .isEqualTo(components(PoolLease.Spec.class));
        assertThat(pl.getProperties().get("status").getProperties().keySet())
                .isEqualTo(components(PoolLease.Status.class));
        // the duration pattern is the parser's
        assertThat(pc.getProperties().get("spec").getProperties().get("leaseLimits").getProperties()
                .get("maxDuration").getPattern()).isEqualTo(KubeDuration.PATTERN);
    }

    @Test
    void printerColumnsPointAtSchemaFields() {
        for (CustomResourceDefinition crd : List.of(CONTRIBUTIONS, LEASES)) {
            JSONSchemaProps root = schema(crd);
            for (var col : version(crd).getAdditionalPrinterColumns()) {
                String path = col.getJsonPath();
                if (path.startsWith(".metadata.")) {
                    continue;
                }
                JSONSchemaProps node = root;
                for (String part : path.substring(1).replaceAll("\\[[^\\]]*\\]", "[]").split("\\.")) {
                    String field = part.replaceAll("\\[.*", "");
                    assertThat(node.getProperties()).as(crd.getMetadata().getName() + " column " + col.getName())
                            .containsKey(field);
                    node = node.getProperties().get(field);
                    if (part.contains("[")) {
                        node = node.getItems().getSchema();
                    }
                }
                String expected = col.getType().equals("integer") ? "integer" : "string";
                assertThat(node.getType()).as(col.getName()).isEqualTo(expected);
            }
        }
        assertThat(version(CONTRIBUTIONS).getAdditionalPrinterColumns()).extracting(c -> c.getName())
                .contains("Quantity", "Remaining", "Leases", "Ready", "Age");
    }

    static PoolContribution sample() {
        return Serialization.unmarshal(Deploy.read("sample-poolcontribution.yaml"), PoolContribution.class);
    }

    static JsonNode tree(Object o) {
        return Serialization.jsonMapper().valueToTree(o);
    }

    @Test
    void theSampleIsValidForTheSchemaAndForTheOperator() {
        PoolContribution sample = sample();
        assertThat(sample.getMetadata().getName()).isEqualTo("sample-offer");
        assertThat(SchemaValidator.validate(schema(CONTRIBUTIONS), tree(sample))).isEmpty();
        var checked = ContributionSpecs.check(sample);
        assertThat(checked.offer().quantity()).isEqualTo(20);
        assertThat(checked.precisions()).containsExactly(4, 5, 6);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/spec/quantity | -1 | .spec.quantity: -1 is below 0.0",
        "/spec/quantity | 70000 | .spec.quantity: 70000 is above 65535.0",
        "/spec/location | dn5ai | .spec.location: 'dn5ai' does not match",
        "/spec/price | exec(1) | .spec.price: 'exec(1)' does not match",
        "/spec/unit/cpu | lots | .spec.unit.cpu: 'lots' does not match",
        "/spec/leaseLimits/maxDuration | 30 days | .spec.leaseLimits.maxDuration: '30 days' does not match",
        "/spec/leaseLimits/minUnits | 0 | .spec.leaseLimits.minUnits: 0 is below 1.0",
        "/spec/announcePrecisions/0 | 13 | .spec.announcePrecisions[0]: 13 is above 12.0",
        "/spec/colour | blue | .spec.colour: unknown field",
    })
    void theSchemaRejectsBadContributions(String pointer, String value, String error) {
        ObjectNode pc = (ObjectNode) tree(sample());
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = pc.at(pointer.substring(0, slash));
        String key = pointer.substring(slash + 1);
        JsonNode v = value.matches("-?[0-9]+") ? Serialization.jsonMapper().getNodeFactory().numberNode(Long.parseLong(value))
                : Serialization.jsonMapper().getNodeFactory().textNode(value);
        if (parent.isArray()) {
            ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(key), v);
        } else {
            ((ObjectNode) parent).set(key, v);
        }
        assertThat(SchemaValidator.validate(schema(CONTRIBUTIONS), pc)).anyMatch(e -> e.startsWith(error));
    }

    @Test
    void aContributionWithoutAUnitIsRejected() {
        ObjectNode pc = (ObjectNode) tree(sample());
        ((ObjectNode) pc.get("spec")).remove("unit");
        assertThat(SchemaValidator.validate(schema(CONTRIBUTIONS), pc)).containsExactly(".spec.unit: required");
    }

    @Test
    void whatTheOperatorWritesIsValid() {
        PoolLease pl = PoolLeases.toResource(TestLeases.lease("l1"), "angler-system");
        var condition = new ConditionBuilder().withType("Valid").withStatus("True").withReason("Active")
                .withMessage("expires at 2030-01-01T02:00:00Z").withObservedGeneration(1L)
                .withLastTransitionTime("2030-01-01T00:00:00Z").build();
        pl.setStatus(new PoolLease.Status(1L, "Active", List.of(condition)));
        assertThat(SchemaValidator.validate(schema(LEASES), tree(pl))).isEmpty();

        PoolContribution pc = sample();
        pc.setStatus(new PoolContribution.Status(2L, 17L, 1, List.of(new ConditionBuilder(condition).withType("Ready")
                .withReason("Announced").build())));
        assertThat(SchemaValidator.validate(schema(CONTRIBUTIONS), tree(pc))).isEmpty();

        ObjectNode bad = (ObjectNode) tree(pl);
        ((ObjectNode) bad.get("spec")).put("expiresAt", "tomorrow");
        ((ObjectNode) bad.get("spec")).put("units", 0);
        assertThat(SchemaValidator.validate(schema(LEASES), bad))
                .containsExactlyInAnyOrder(".spec.expiresAt: 'tomorrow' is not a date-time", ".spec.units: 0 is below 1.0");
    }
}
