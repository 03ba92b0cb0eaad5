package io.viperdb.engine.store;

import io.viperdb.CodecMismatchException;
import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreIOException;
import io.viperdb.StoreOptions;
import io.viperdb.UnknownCodecException;
import io.viperdb.ViperException;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Opens a store: checks the path, settles the codec, takes the lock, reads or writes the manifest and recovers the
 * segments. Everything that can be refused is refused before anything is created on disk.
 */
public final class StoreOpener {

    /** The codec of a new store when the options name none. */
    public static final String DEFAULT_CODEC = "json";

    private StoreOpener() {
    }

    public static <V> KeyValueStore<V> open(Path path, StoreOptions options) {
        return open(path, options, FileAccess.real());
    }

    /** Opens a store whose files are changed through {@code access}: the seam where tests inject faults. */
    public static <V> KeyValueStore<V> open(Path path, StoreOptions options, FileAccess access) {
        return open(path, options, access, Checkpointer.Runner.BACKGROUND);
    }

    /**
     * Opens a store as {@link #open(Path, StoreOptions, FileAccess)} does, whose checkpoints run as {@code checkpoints}
     * says: for tests that inject faults, which need every file operation to come in the same order in every run.
     */
    static <V> KeyValueStore<V> open(Path path, StoreOptions options, FileAccess access,
            Checkpointer.Runner checkpoints) {
        Path directory = path.toAbsolutePath().normalize();
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new ViperException("Cannot open a store at " + directory + ": it is a file, not a directory");
        }
        StoreDirectory files = new StoreDirectory(directory, access);
        if (options.readOnly()) {
            return openReadOnly(files, options);
        }
        ValueCodec<?> requested = options.codec().orElseGet(() -> options.codecName().map(ValueCodecs::named)
                .orElse(null));
        // Settle the codec of a new store now, so that an unknown codec leaves no directory behind.
        ValueCodec<?> forNewStore = requested != null || Files.exists(files.manifest()) ? requested
                : ValueCodecs.named(DEFAULT_CODEC);
        // Only if it is missing: given one that exists, Files.createDirectories fails to create it and catches that.
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new StoreIOException(directory, "creating the store directory", e);
            }
        }
        StoreLock lock = StoreLock.acquire(files);
        try {
            Manifest manifest = files.readManifest();
            ValueCodec<?> codec;
            if (manifest == null) {
                refuseOrphanedSegments(files);
                codec = forNewStore != null ? forNewStore : ValueCodecs.named(DEFAULT_CODEC);
                manifest = Manifest.create(codec.name(), options.clock().millis());
                files.writeManifest(manifest);
            } else {
                codec = codecOf(directory, manifest, requested);
            }
            return openRecords(files, manifest, codec, lock, options, checkpoints);
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /**
     * Opens an existing store without writing anything (see {@link StoreOptions.Builder#readOnly()}): no directory,
     * lock file, manifest or sync mark is created, and recovery cuts, deletes and rebuilds nothing on disk.
     */
    private static <V> KeyValueStore<V> openReadOnly(StoreDirectory files, StoreOptions options) {
        Path directory = files.path();
        if (!Files.isDirectory(directory)) {
            throw new ViperException("No store at " + directory + " to open read-only: the directory does not exist");
        }
        ValueCodec<?> requested = options.codec().orElseGet(() -> options.codecName().map(ValueCodecs::named)
                .orElse(null));
        StoreLock lock = StoreLock.acquireShared(files);
        try {
            Manifest manifest = files.readManifest();
            if (manifest == null) {
                refuseOrphanedSegments(files);
                throw new ViperException("No store at " + directory + " to open read-only: the directory holds no "
                        + StoreDirectory.MANIFEST);
            }
            ValueCodec<?> codec = options.rawValues() ? new StoredBytesCodec(manifest.codecName())
                    : codecOf(directory, manifest, requested);
            return openRecords(files, manifest, codec, lock, options, Checkpointer.Runner.BACKGROUND);
        } catch (RuntimeException | Error e) {
            lock.release();
            throw e;
        }
    }

    /** Recovers the segments the manifest lists and starts the store on them. */
    private static <V> KeyValueStore<V> openRecords(StoreDirectory files, Manifest manifest, ValueCodec<?> codec,
            StoreLock lock, StoreOptions options, Checkpointer.Runner checkpoints) {
        ReentrantLock writeLock = new ReentrantLock();
        Recovery.Recovered recovered = Recovery.recover(files, manifest, writeLock, options.logFileSize(),
                options.clock().millis(), options.readOnly());
        ByteStore store = new ByteStore(files.path(), recovered.index(), recovered.segments(), writeLock,
                options.clock(), lock, options.syncPolicy(), options.autoReclaim(), options.readOnly(), checkpoints,
                new SavedIndex.OnDevice(recovered.onDevice()));
        store.start();
        @SuppressWarnings("unchecked")
        ValueCodec<V> typed = (ValueCodec<V>) codec;
        return new CodecStore<>(store, typed);
    }

    private static ValueCodec<?> codecOf(Path directory, Manifest manifest, ValueCodec<?> requested) {
        String stored = manifest.codecName();
        if (requested != null) {
            if (!requested.name().equals(stored)) {
                throw new CodecMismatchException(directory, stored, requested.name());
            }
            return requested;
        }
        try {
            return ValueCodecs.named(stored);
        } catch (UnknownCodecException e) {
            throw new UnknownCodecException(stored, e.available(), "The store at " + directory
                    + " was written with it: put the module that provides it on the module path, or pass the codec"
                    + " itself with StoreOptions.builder().codec(...)");
        }
    }

    /** A directory with segment files but no manifest lost its manifest; starting afresh would hide its data. */
    private static void refuseOrphanedSegments(StoreDirectory files) {
        SortedSet<Long> ids = files.segmentIdsOnDisk();
        if (!ids.isEmpty()) {
            throw new CorruptStoreException(files.manifest(), 0, "the manifest is missing, but the directory holds the"
                    + " files of segments " + ids + "; refusing to create a new store over them");
        }
    }
}
