package io.angler.dht;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Makes libtorrent4j's native library loadable without any user action. The library ships inside
 * the {@code libtorrent4j-linux} jar; it is copied once into a per-user cache directory (named by
 * its content hash, so versions never clash and a partial copy is never used) and its path is set
 * as {@code libtorrent4j.jni.path} before the first libtorrent4j class loads.
 */
final class NativeLibrary {
    static final String PATH_PROPERTY = "libtorrent4j.jni.path";
    private static final String RESOURCE = "lib/x86_64/libtorrent4j.so";
    private static boolean prepared;

    private NativeLibrary() {
    }

    /**
     * Extracts the library if needed and sets the path property. Idempotent; a path the user set
     * explicitly is respected.
     *
     * @throws DhtException if this platform has no bundled library or the copy fails
     */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        String preset = System.getProperty(PATH_PROPERTY, "");
        if (!preset.isEmpty()) {
            if (!Files.isReadable(Path.of(preset))) {
                throw new DhtException("native library: " + PATH_PROPERTY + "=" + preset + " is not a readable file");
            }
            prepared = true;
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new DhtException("native library: libtorrent4j is bundled for linux/x86_64 only, this is "
                    + os + "/" + arch + "; set -D" + PATH_PROPERTY + "=/path/to/libtorrent4j library for this platform");
        }
        byte[] library = readResource();
        String hash = sha256(library);
        Path target = cacheDirectory().resolve("libtorrent4j-" + hash.substring(0, 16) + ".so");
        try {
            if (!Files.isRegularFile(target) || !sha256(Files.readAllBytes(target)).equals(hash)) {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), "libtorrent4j-", ".tmp");
                try {
                    Files.write(tmp, library);
                    try {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new DhtException("native library: cannot copy libtorrent4j to " + target + ": " + e.getMessage()
                    + "; make the directory writable or set ANGLER_CACHE_DIR", e);
        }
        System.setProperty(PATH_PROPERTY, target.toAbsolutePath().toString());
        prepared = true;
    }

    /** ANGLER_CACHE_DIR, else $XDG_CACHE_HOME/angler, else ~/.cache/angler, else the temp dir. */
    static Path cacheDirectory() {
        String explicit = System.getenv("ANGLER_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "angler");
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && Files.isWritable(Path.of(home))) {
            return Path.of(home, ".cache", "angler");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "angler-" + System.getProperty("user.name", "user"));
    }

    private static byte[] readResource() {
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DhtException("native library: " + RESOURCE + " is not on the class path; "
                        + "add org.libtorrent4j:libtorrent4j-linux to the dependencies");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("native library: cannot read " + RESOURCE, e);
        }
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
