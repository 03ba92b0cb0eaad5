package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.nio.file.Path;

/**
 * One store under test, used the way a careful user of that store would use it as a persistent, file-backed map of
 * byte values. Each implementation is one small class that holds the whole configuration of its store, so that
 * anyone can read and challenge it in one place; {@link #configuration()} says the same in words for the report.
 *
 * <p>The common ground every adapter keeps: data in files under the given directory; no fsync per write; writes made
 * visible to other threads at once; {@link #flush()} makes every earlier write survive a crash of the process (not
 * of the machine); {@link #close()} forces everything to the device where the store can. Reads return a
 * {@code byte[]} with the stored bytes, or null for a key that is absent.
 *
 * <p>An adapter is opened, used from any number of threads (reads and writes concurrently), and closed; it may then
 * be opened again on the same directory. It is not reused across directories.
 */
public interface StoreAdapter {

    /** The short name used in parameters and the report: {@code viper}, {@code rocksdb}, ... */
    String name();

    /** How the store is configured and why, in a sentence or two of Markdown, for the report. */
    String configuration();

    /**
     * Opens the store in {@code directory}, creating it if the directory is empty.
     *
     * @param shape how many keys and how large the values will be, for stores that must be sized up front
     */
    void open(Path directory, StoreShape shape);

    /** Maps {@code key} to {@code value}. */
    void put(Key key, byte[] value);

    /**
     * Maps {@code keys[i]} to {@code values[i]} for i below {@code count}, as one batch where the store has batches
     * (a write transaction, a write batch) and as a loop of puts where it does not (this default).
     */
    default void putBatch(Key[] keys, byte[][] values, int count) {
        for (int i = 0; i < count; i++) {
            put(keys[i], values[i]);
        }
    }

    /** The value of {@code key}, or null when it is absent. */
    byte[] get(Key key);

    /** Makes every earlier write survive a crash of the process: hands it to the operating system or commits it. */
    void flush();

    /**
     * Runs the store's own compaction to completion (ViperDB's {@code reclaim()}), so that the files hold only live
     * data as far as the store can make them.
     *
     * @return false if the store has no compaction, in which case nothing was done
     */
    boolean compact();

    /** The disk space of the store's files: bytes allocated on the device (see {@link DiskUsage}). */
    default long sizeOnDisk() {
        return DiskUsage.allocated(directory());
    }

    /** The directory the store was opened in. */
    Path directory();

    /** Flushes, forces the files to the device where the store can, and releases the store. */
    void close();
}
