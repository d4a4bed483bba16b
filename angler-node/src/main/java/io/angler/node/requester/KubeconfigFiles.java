package io.angler.node.requester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.angler.node.files.AtomicFiles;
import io.angler.node.provision.Yaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * Writes the kubeconfig a winner sent, one file per lease ({@code <lease id>.kubeconfig}, readable
 * by its owner only). For a client certificate the provider's kubeconfig has no key (it never saw
 * one): the requester's own private key is added to the user entry here, on this machine.
 */
public final class KubeconfigFiles {
    /** A lease kubeconfig is a few KiB; bounds what reading a wrong file costs. */
    static final long MAX_READ_BYTES = 1L << 20;

    private KubeconfigFiles() {
    }

    public static Path pathFor(Path dir, String leaseId) {
        return dir.resolve(leaseId + ".kubeconfig");
    }

    /**
     * Writes {@code kubeconfig} for {@code leaseId} into {@code dir}, adding {@code key}'s private
     * key as {@code client-key-data} when given.
     *
     * @throws IllegalArgumentException if a key must be added but the kubeconfig has no user entry
     */
    public static Path write(Path dir, String leaseId, String kubeconfig, ClientKey key) {
        return writeTo(pathFor(dir, leaseId), kubeconfig, key);
    }

    /**
     * Writes {@code kubeconfig} to {@code file} (replacing it atomically: a temporary file renamed
     * over it, mode 0600), adding {@code key}'s private key when given.
     */
    public static Path writeTo(Path file, String kubeconfig, ClientKey key) {
        String text = key == null ? kubeconfig : withKey(kubeconfig, key.privateKeyPem());
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /**
     * The private key in a lease's kubeconfig ({@code client-key-data}, which the requester added
     * for a client certificate), or empty when the file has none (a token) or does not exist.
     *
     * @throws IllegalArgumentException if the file exists but is not a kubeconfig with one user
     */
    public static Optional<String> privateKeyPem(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            if (Files.size(file) > MAX_READ_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_READ_BYTES + " bytes; not a lease kubeconfig");
            }
            root = Yaml.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode users = root == null ? null : root.get("users");
        if (users == null || !users.isArray() || users.size() != 1) {
            throw new IllegalArgumentException(file + " does not have exactly one user entry");
        }
        JsonNode key = users.get(0).path("user").get("client-key-data");
        if (key == null || !key.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(key.asText()), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": client-key-data is not base64");
        }
    }

    static String withKey(String kubeconfig, String privateKeyPem) {
        JsonNode root;
        try {
            root = Yaml.mapper().readTree(kubeconfig);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the provider's kubeconfig is not valid YAML: " + e.getOriginalMessage());
        }
        JsonNode users = root == null ? null : root.get("users");
        if (users == null || !users.isArray() || users.size() != 1 || !users.get(0).path("user").isObject()) {
            throw new IllegalArgumentException("the provider's kubeconfig does not have exactly one user entry");
        }
        ((ObjectNode) users.get(0).get("user")).put("client-key-data",
                Base64.getEncoder().encodeToString(privateKeyPem.getBytes(StandardCharsets.US_ASCII)));
        StringBuilder header = new StringBuilder();
        for (String line : kubeconfig.split("\n", -1)) {
            if (!line.startsWith("#")) {
                break;
            }
            header.append(line).append('\n');
        }
        header.append("# client-key-data: the private key made on the requester's machine (never sent).\n");
        return header + Yaml.write(root);
    }
}
