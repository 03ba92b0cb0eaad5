package io.viperdb.bench.lifecycle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the lifecycle harness measured for one store and value size: named numbers, as the child JVMs print them
 * ({@code RESULT name value}), or the reason it failed.
 *
 * <p>Three kinds of failure are kept apart. {@link #failure()}: the harness could not measure the lifecycle (a phase
 * failed); {@link #figureFailures()}: one figure measured on a store of its own ({@link #LARGE_REOPEN_MILLIS}) could
 * not be, and the rest stands; {@link #failureAfterKill()}: the store did not recover from the kill, a finding about
 * the store, not a figure the harness failed to produce.
 */
public final class LifecycleResult {

    /** Milliseconds to fill the empty store in key order, with a flush at the end (one run, in a fresh JVM). */
    public static final String FILL_MILLIS = "fill.millis";
    /** Bytes allocated on disk after the fill and close. */
    public static final String DISK_AFTER_FILL = "disk.fill";
    /** Sum of the file lengths after the fill and close. */
    public static final String APPARENT_AFTER_FILL = "apparent.fill";
    /** Milliseconds to open the filled store and read one key: the median of three opens in a fresh JVM. */
    public static final String REOPEN_MILLIS = "reopen.millis";
    /**
     * Milliseconds to open the store after its process was killed (SIGKILL, no close) and read one key, in a fresh
     * JVM warmed up like the one that measures {@link #REOPEN_MILLIS}; one open, since only the first open after a
     * kill recovers (see {@link LifecycleRun}).
     */
    public static final String REOPEN_AFTER_KILL_MILLIS = "reopen.after.kill.millis";
    /**
     * Milliseconds to open a second, larger store (the settings' {@code reopenKeyCount} keys, of this result's value
     * size, filled in key order and closed) and read one key: the median of three opens in a fresh JVM. Measured on
     * a store of its own, only for the run's smallest value size.
     */
    public static final String LARGE_REOPEN_MILLIS = "large.reopen.millis";
    /** Heap held by the open store (after GC, before and after opening), per key. */
    public static final String HEAP_PER_KEY = "heap.per.key";
    /** Growth of the process's resident memory from opening the store and reading one key, per key. */
    public static final String RSS_PER_KEY = "rss.per.key";
    /** Milliseconds to overwrite every key once, in a random order, with a flush at the end. */
    public static final String OVERWRITE_MILLIS = "overwrite.millis";
    /** Bytes allocated on disk after overwriting every key once and closing. */
    public static final String DISK_AFTER_OVERWRITE = "disk.overwrite";
    /** Milliseconds the store's compaction took; absent when the store has none. */
    public static final String COMPACT_MILLIS = "compact.millis";
    /** Bytes allocated on disk after the compaction and close; absent when the store has no compaction. */
    public static final String DISK_AFTER_COMPACT = "disk.compact";
    /**
     * Sum of the file lengths after the compaction and close: the bytes the compaction wrote, near enough (it
     * writes the store anew); absent when the store has no compaction.
     */
    public static final String APPARENT_AFTER_COMPACT = "apparent.compact";
    /**
     * Milliseconds to write {@link #APPARENT_AFTER_COMPACT} bytes sequentially to a new file in the same folder and
     * force them, just after the compaction ({@link SequentialWrite}): what the disk could do in this run.
     */
    public static final String SEQUENTIAL_WRITE_MILLIS = "sequential.write.millis";

    /** The compaction's write rate as a fraction of the disk's sequential write rate in the same run, if measured. */
    public OptionalDouble compactionShareOfSequentialWrite() {
        OptionalDouble compact = get(COMPACT_MILLIS);
        OptionalDouble sequential = get(SEQUENTIAL_WRITE_MILLIS);
        return compact.isPresent() && sequential.isPresent()
                ? OptionalDouble.of(sequential.getAsDouble() / compact.getAsDouble()) : OptionalDouble.empty();
    }

    private final String store;
    private final int valueSize;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private String failure;
    private final Map<String, String> figureFailures = new LinkedHashMap<>();
    private String failureAfterKill;

    public LifecycleResult(String store, int valueSize) {
        this.store = store;
        this.valueSize = valueSize;
    }

    public String store() {
        return store;
    }

    public int valueSize() {
        return valueSize;
    }

    public void put(String name, double value) {
        values.put(name, value);
    }

    public OptionalDouble get(String name) {
        Double value = values.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    public Map<String, Double> values() {
        return Map.copyOf(values);
    }

    /** Records why the measurement failed; what was measured before the failure is kept. */
    public void fail(String reason) {
        this.failure = reason;
    }

    /** Why the measurement failed, or null. */
    public String failure() {
        return failure;
    }

    /**
     * Records why the figure {@code name}, measured on a store of its own, could not be measured; the other figures
     * and {@link #failure()} are not affected.
     */
    public void failFigure(String name, String reason) {
        figureFailures.put(name, reason);
    }

    /** Why each figure that failed on its own failed, by figure name; empty if none did. */
    public Map<String, String> figureFailures() {
        return Map.copyOf(figureFailures);
    }

    /**
     * Records that the store did not recover from the kill: opening it threw, or it returned a value other than the
     * one written and flushed before the kill. A finding about the store, which the report prints in place of
     * {@link #REOPEN_AFTER_KILL_MILLIS}; the harness measured what it set out to.
     */
    public void failAfterKill(String reason) {
        this.failureAfterKill = reason;
    }

    /** How the store failed to recover from the kill, or null if it recovered or was not killed. */
    public String failureAfterKill() {
        return failureAfterKill;
    }

    @Override
    public String toString() {
        return store + "/" + valueSize + " " + values + (failure == null ? "" : " failed: " + failure)
                + (figureFailures.isEmpty() ? "" : " figures failed: " + figureFailures)
                + (failureAfterKill == null ? "" : " did not recover from the kill: " + failureAfterKill);
    }
}
