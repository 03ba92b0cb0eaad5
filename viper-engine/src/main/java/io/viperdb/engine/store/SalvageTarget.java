package io.viperdb.engine.store;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreIOException;
import io.viperdb.StoreOptions;
import io.viperdb.ViperException;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.StoreDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

/**
 * The new store that salvage writes: opened like any store, with a {@link StoredBytesCodec} named after the damaged
 * store's codec, and filled in batches of bounded size.
 *
 * <p>Its clock stands still at the salvage's "now": each key's expiry is then written as a time to live of exactly
 * expiry minus now, which the store turns back into the same absolute expiry, to the millisecond, without an internal
 * method that takes an absolute expiry.
 *
 * <p>If the copy fails, the files it wrote are deleted (and the directory, if salvage created it), so that a half
 * written store is never taken for a salvaged one.
 */
final class SalvageTarget implements AutoCloseable {

    /** The most operations in one batch: enough to make a sync per batch ({@code SyncPolicy.always()}) cheap. */
    private static final int MAX_BATCH_OPERATIONS = 1024;
    /**
     * The most bytes in one batch, and at most a quarter of the log file size: a batch goes whole into one log file,
     * which it may take past that size.
     */
    private static final long MAX_BATCH_BYTES = 4 << 20;

    private final Path directory;
    private final boolean createdDirectory;
    private final KeyValueStore<byte[]> store;
    private final long now;
    private final long maxBatchBytes;
    private final WriteBatch<byte[]> batch = new WriteBatch<>();
    private long batchBytes;
    private boolean finished;

    private SalvageTarget(Path directory, boolean createdDirectory, KeyValueStore<byte[]> store, long now,
            long maxBatchBytes) {
        this.directory = directory;
        this.createdDirectory = createdDirectory;
        this.store = store;
        this.now = now;
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * Checks that salvage may write a new store into {@code target}, before anything is read or written.
     *
     * @param damagedStore the real path of the damaged store's directory
     * @return the target as an absolute path
     * @throws ViperException if it is a file, a directory that is not empty, or inside the damaged store
     */
    static Path check(Path target, Path damagedStore) {
        Path directory = target.toAbsolutePath().normalize();
        requireAbsentOrEmpty(directory);
        if (realPathOf(directory).startsWith(damagedStore)) {
            throw new ViperException("Cannot salvage into " + directory + ": it is inside the directory of the damaged "
                    + "store " + damagedStore + ", which salvage never writes to");
        }
        return directory;
    }

    private static void requireAbsentOrEmpty(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        if (!Files.isDirectory(directory)) {
            throw new ViperException("Cannot salvage into " + directory + ": it is a file");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.findAny().isPresent()) {
                throw new ViperException("Cannot salvage into " + directory + ": the directory is not empty (salvage "
                        + "writes a new store, into a directory that is absent or empty)");
            }
        } catch (IOException e) {
            throw new StoreIOException(directory, "listing", e);
        }
    }

    /** The real path of {@code path}, or of its nearest existing ancestor with the rest appended. */
    private static Path realPathOf(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path));
        } catch (IOException e) {
            throw new StoreIOException(existing, "resolving", e);
        }
    }

    /**
     * Creates the new store in {@code directory} (checked by {@link #check}), recording {@code codecName}, with the
     * log file size and sync policy of {@code options} and a clock that stands at {@code now}.
     */
    static SalvageTarget create(Path directory, String codecName, StoreOptions options, long now) {
        requireAbsentOrEmpty(directory); // again: the scan may have taken a while
        boolean created = !Files.exists(directory);
        StoreOptions targetOptions = StoreOptions.builder()
                .codec(new StoredBytesCodec(codecName))
                .clock(Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC))
                .logFileSize(options.logFileSize())
                .syncPolicy(options.syncPolicy())
                .build();
        KeyValueStore<byte[]> store;
        try {
            store = StoreOpener.open(directory, targetOptions);
        } catch (RuntimeException e) {
            deleteStoreFiles(directory, created);
            throw e;
        }
        return new SalvageTarget(directory, created, store, now,
                Math.min(MAX_BATCH_BYTES, options.logFileSize() / 4));
    }

    /**
     * Adds {@code key} with the value bytes {@code value}, expiring at {@code expiry} (epoch milliseconds, later than
     * now; {@link RecordHeader#NO_EXPIRY} for never).
     */
    void put(byte[] key, byte[] value, long expiry) {
        long bytes = DataRecord.length(key.length, value.length);
        if (batchBytes + bytes > maxBatchBytes || batch.size() == MAX_BATCH_OPERATIONS) {
            writeBatch();
        }
        if (expiry == RecordHeader.NO_EXPIRY) {
            batch.put(key, value);
        } else {
            batch.put(key, value, Duration.ofMillis(expiry - now));
        }
        batchBytes += bytes;
    }

    private void writeBatch() {
        if (batch.size() == 1) {
            // One record needs no batch framing, and a value larger than a batch goes alone.
            WriteBatch.Operation<byte[]> only = batch.operations().get(0);
            if (only.timeToLive() == null) {
                store.byteKeys().put(only.key(), only.value());
            } else {
                store.byteKeys().put(only.key(), only.value(), only.timeToLive());
            }
        } else if (batch.size() > 1) {
            store.write(batch);
        }
        batch.clear();
        batchBytes = 0;
    }

    /**
     * Writes what is left and closes the new store, which syncs it.
     *
     * @return the number of keys it holds
     */
    long finish() {
        writeBatch();
        long keys = store.size();
        store.close();
        finished = true;
        return keys;
    }

    /** After {@link #finish()}, nothing; before, abandons the new store and deletes its files. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            // The copy failed already; its files go in any case.
        }
        deleteStoreFiles(directory, createdDirectory);
    }

    /** Deletes what opening and filling a new store in {@code directory}, empty before, wrote there. */
    private static void deleteStoreFiles(Path directory, boolean createdDirectory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : entries.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("viper.") || name.endsWith(StoreDirectory.VALUE_LOG_SUFFIX)
                        || name.endsWith(StoreDirectory.KEY_LOG_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
            if (createdDirectory) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            // Best effort, after the failure that is being reported.
        }
    }
}
