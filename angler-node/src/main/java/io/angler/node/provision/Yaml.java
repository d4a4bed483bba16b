package io.angler.node.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Writes manifests and kubeconfigs as YAML. Every string value is quoted, so that no reader
 * (kubectl's YAML 1.1 included) can take a quantity for a number or a time for a timestamp.
 */
public final class Yaml {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private Yaml() {
    }

    public static String write(Object tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** The shared mapper, for reading YAML back (tests, the requester reading a kubeconfig). */
    public static ObjectMapper mapper() {
        return YAML;
    }
}
