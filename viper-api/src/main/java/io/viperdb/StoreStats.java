package io.viperdb;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A store's figures at one moment, from {@link KeyValueStore#stats()}.
 *
 * @param codec the name of the store's codec
 * @param formatVersion the version of the file format
 * @param liveKeys keys neither removed nor expired
 * @param liveBytes the bytes of the value log records that hold them
 * @param deadBytes the bytes of value log records that {@link KeyValueStore#reclaim()} would drop: removed, expired and
 *     overwritten values, and delete records
 * @param files every file of the store and its size
 * @param lastReclaim when the last reclaim finished, if there was one
 */
public record StoreStats(String codec, int formatVersion, long liveKeys, long liveBytes, long deadBytes,
        List<FileSize> files, Optional<Instant> lastReclaim) {

    /**
     * Creates the figures, with a copy of {@code files}.
     *
     * @param codec the name of the store's codec
     * @param formatVersion the version of the file format
     * @param liveKeys keys neither removed nor expired
     * @param liveBytes the bytes of the value log records that hold them
     * @param deadBytes the bytes of value log records that {@link KeyValueStore#reclaim()} would drop
     * @param files every file of the store and its size
     * @param lastReclaim when the last reclaim finished, if there was one
     */
    public StoreStats {
        files = List.copyOf(files);
    }

    /** {@return the bytes of all the store's files} */
    public long totalBytes() {
        return files.stream().mapToLong(FileSize::bytes).sum();
    }

    /**
     * A file and its size.
     *
     * @param name the file's name in the store directory
     * @param bytes its size
     */
    public record FileSize(String name, long bytes) {
    }
}
