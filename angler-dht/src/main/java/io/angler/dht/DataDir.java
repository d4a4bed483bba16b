package io.angler.dht;

import io.angler.core.geo.Geohash;
import io.angler.core.pool.PoolKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's data directory: its node ID ({@code node-id}, hex), its routing state
 * ({@code dht-state.dat}, libtorrent's bencoded session state) and a lock that keeps two nodes
 * from sharing the directory.
 */
final class DataDir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataDir.class);
    static final String NODE_ID = "node-id";
    static final String STATE = "dht-state.dat";
    private static final String LOCK = "lock";
    /** A routing state file larger than this is not ours; libtorrent's is a few kilobytes. */
    private static final long MAX_STATE_BYTES = 4L << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static DataDir open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DhtException("dht: cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new DhtException("dht: data directory " + dir + " is in use by another node; give each node its own");
            }
            return new DataDir(dir, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DhtException("dht: data directory " + dir + " is in use by another node in this process; "
                    + "give each node its own", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DhtException("dht: cannot lock data directory " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    Path path() {
        return dir;
    }

    /**
     * The node ID kept in this directory if it still starts with {@code cell}'s bits; otherwise a new
     * one (the cell's bits, then random bits) is made and kept.
     */
    byte[] nodeId(Geohash cell) {
        Path file = dir.resolve(NODE_ID);
        if (Files.isRegularFile(file)) {
            try {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                byte[] id = HexFormat.of().parseHex(text);
                if (id.length == PoolKey.BYTES && Arrays.equals(PoolKey.overlay(id, cell), id)) {
                    return id;
                }
                log.info("node ID in {} does not start with cell {}; making a new one", file, cell);
            } catch (IOException | IllegalArgumentException e) {
                log.warn("node ID file {} is unreadable ({}); making a new one", file, e.getMessage());
            }
        }
        byte[] random = new byte[PoolKey.BYTES];
        RANDOM.nextBytes(random);
        byte[] id = PoolKey.overlay(random, cell);
        write(file, (HexFormat.of().formatHex(id) + "\n").getBytes(StandardCharsets.US_ASCII));
        return id;
    }

    /** The saved routing state, or null if there is none (or it is unusable). */
    byte[] routingState() {
        Path file = dir.resolve(STATE);
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            if (Files.size(file) > MAX_STATE_BYTES) {
                log.warn("routing state {} is larger than {} bytes; ignoring it", file, MAX_STATE_BYTES);
                return null;
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            log.warn("routing state {} is unreadable ({}); starting without it", file, e.getMessage());
            return null;
        }
    }

    void saveRoutingState(byte[] state) {
        write(dir.resolve(STATE), state);
    }

    /** Writes through a temporary file so that a crash never leaves a half-written file. */
    private void write(Path file, byte[] content) {
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, content);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new DhtException("dht: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            log.debug("releasing lock of {}: {}", dir, e.getMessage());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to do: the lock goes with the process anyway.
            }
        }
    }
}
