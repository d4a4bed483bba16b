package io.angler.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's deploy/ directory, as the tests read it. */
public final class Deploy {
    public static final Path DIR = Path.of(System.getProperty("angler.deploy.dir", "../deploy"));

    private Deploy() {
    }

    public static CustomResourceDefinition crd(String name) {
        return Serialization.unmarshal(read("crds/" + name + ".yaml"), CustomResourceDefinition.class);
    }

    /** Every object of a multi-document YAML file. */
    public static List<HasMetadata> objects(String file) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : read(file).split("(?m)^---\\s*$")) {
            if (!doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                out.add(Serialization.unmarshal(doc, HasMetadata.class));
            }
        }
        return out;
    }

    public static String read(String file) {
        try {
            return Files.readString(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs both CRDs, so the mock knows their scope and status subresource. */
    public static void installCrds(KubernetesClient client) {
        for (String name : List.of("poolcontributions.angler.io", "poolleases.angler.io")) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd(name)).create();
        }
    }
}
