package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.ViperException;
import io.viperdb.engine.index.KeyDirectory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.concurrent.RejectedExecutionException;

/**
 * Writes the index file while the store takes writes (a checkpoint), so that an open after a crash starts from it
 * and replays only what was written since (recovery rules 10 and 11 of FORMAT.md), instead of every segment.
 *
 * <p>When. A checkpoint is due once the records appended since the last one reach a quarter of the log file size (at
 * least {@link #MIN_BYTES_BETWEEN}, at most {@link #MAX_BYTES_BETWEEN}) or the size of the last index file written,
 * whichever is more, and after a reclaim that changed the manifest (the index file written before it no longer covers
 * the segments the reclaim rewrote). Counting bytes bounds what a crash leaves to replay, and tying it to the index
 * file's size keeps the bytes checkpoints write below those the application writes. A checkpoint on every sync would
 * write the whole index per write under {@link io.viperdb.SyncPolicy#always()}; one on every roll would leave up to a
 * whole log file (256 MiB by default) to replay.
 *
 * <p>How. In the background (a {@link BackgroundQueue} on the reclaim workers): it allocates room for a copy of the
 * index, then under the write lock takes a {@link SavedIndex#snapshot snapshot} (the index's arrays copied into that
 * room, and the ends of the logs), which is all that writers wait for; then, without the lock, it syncs the store, so
 * that every byte of the logs the snapshot covers is on the device before the index file says so, and writes the
 * file atomically and durably. So a crash can never cut the logs below what the index file
 * covers. A checkpoint that fails is logged and costs only a longer replay at the next open; after a write failure
 * none is taken.
 */
final class Checkpointer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    /** Which thread runs the checkpoints. */
    enum Runner {
        /** The store's background queue: writers wait only for the copy. */
        BACKGROUND,
        /**
         * The thread of the write that made one due, once the write lock is released: so that every file operation
         * comes in the same order in every run, for tests that inject a fault at the Nth.
         */
        WRITER
    }

    /** The most bytes appended between two checkpoints, unless the index file is larger. */
    static final long MAX_BYTES_BETWEEN = 32L << 20;
    /** The fewest: with small log files, a checkpoint (four or five syncs) every few KiB costs more than it saves. */
    static final long MIN_BYTES_BETWEEN = 64L << 10;

    private final WriteGate gate;
    private final Segments segments;
    private final KeyDirectory index;
    private final Syncer syncer;
    /** What the index file on the device covers, which a checkpoint of the same need not write again. */
    private final SavedIndex.OnDevice indexFile;
    /** Null in a read-only store, which writes no index file, or when the writers run the checkpoints. */
    private final BackgroundQueue queue;
    private final boolean writersRun;
    private final long minBytesBetween;
    /** Bytes appended since the last snapshot; guarded by the write lock. */
    private long appendedSince;
    /** Whether a checkpoint is asked for and has not taken its snapshot yet; guarded by the write lock. */
    private boolean requested;
    /** The size of the last index file written, which the bytes between checkpoints must reach. */
    private volatile long lastFileBytes;

    /** Checkpoints of {@code index}, the index of {@code segments} that {@code syncer} syncs, run by {@code runner}. */
    Checkpointer(WriteGate gate, Segments segments, KeyDirectory index, Syncer syncer, Runner runner,
            SavedIndex.OnDevice indexFile) {
        this.indexFile = indexFile;
        this.gate = gate;
        this.segments = segments;
        this.index = index;
        this.syncer = syncer;
        this.minBytesBetween = Math.min(MAX_BYTES_BETWEEN, Math.max(MIN_BYTES_BETWEEN, segments.logFileSize() / 4));
        this.writersRun = runner == Runner.WRITER && !gate.readOnly();
        // On the reclaim workers: a checkpoint waits only for the write lock and for a sync under way, as a sync task
        // may (see BackgroundQueue), but its file write is long, and the sync workers are there for short tasks.
        this.queue = gate.readOnly() || writersRun ? null
                : new BackgroundQueue("viperdb-checkpoint " + segments.directory().path(),
                        BackgroundQueue.Workers.RECLAIMS);
    }

    /** Counts {@code bytes} just appended, and asks for a checkpoint once they make one due. Under the write lock. */
    void appended(long bytes) {
        appendedSince += bytes;
        if (appendedSince >= Math.max(minBytesBetween, lastFileBytes)) {
            request();
        }
    }

    /** Asks for a checkpoint after a reclaim changed the manifest. */
    void afterReclaim() {
        gate.holdingWriteLock(this::request);
        afterWrite();
    }

    /** Runs a checkpoint that is due, if the writers run them ({@link Runner#WRITER}); outside the write lock. */
    void afterWrite() {
        if (writersRun && gate.holdingWriteLock(() -> requested)) {
            checkpoint();
        }
    }

    /** Asks for a checkpoint, unless one is asked for already. Under the write lock. */
    private void request() {
        if (requested || (queue == null && !writersRun)) {
            return;
        }
        requested = true;
        if (queue != null) {
            try {
                queue.execute(this::checkpoint);
            } catch (RejectedExecutionException e) {
                // The store is closing, and its close writes the index file.
            }
        }
    }

    /** Takes a snapshot under the write lock, syncs the logs it covers and writes it to the index file. */
    private void checkpoint() {
        try {
            // Allocated before the lock, so that writers wait only for the bytes to be copied, not for the operating
            // system to give the heap the pages.
            KeyDirectory.SnapshotRoom room;
            try {
                room = index.roomForSnapshot();
            } catch (OutOfMemoryError e) {
                // The copy needs as much heap as the index: without it, no checkpoint, and the next is asked for later.
                gate.holdingWriteLock(() -> {
                    requested = false;
                    appendedSince = 0;
                });
                LOG.log(Level.WARNING, "No checkpoint of " + segments.directory().path() + ": no heap for a copy of "
                        + "the index (" + e.getMessage() + ")");
                return;
            }
            long start = System.nanoTime();
            SavedIndex.Snapshot snapshot = gate.underWriteLock("checkpoint", () -> {
                requested = false;
                appendedSince = 0;
                return SavedIndex.snapshot(segments, index, room);
            });
            long copied = System.nanoTime();
            syncer.sync();
            long synced = System.nanoTime();
            if (indexFile.holds(snapshot)) {
                return;
            }
            if (SavedIndex.save(segments.directory(), snapshot, true)) {
                indexFile.wrote(snapshot);
                lastFileBytes = fileBytes();
                LOG.log(Level.DEBUG, () -> String.format("Checkpoint of %s: %d keys over %d bytes of value log; the "
                        + "write lock held %.1f ms for the copy, the sync took %.1f ms and the index file (%d bytes) "
                        + "%.1f ms", segments.directory().path(), snapshot.index().size(), snapshot.valueLogBytes(),
                        (copied - start) / 1e6, (synced - copied) / 1e6, lastFileBytes,
                        (System.nanoTime() - synced) / 1e6));
            }
        } catch (CorruptStoreException e) {
            // The index file the table was mapped from is damaged (and now deleted): no checkpoint may copy it.
            LOG.log(Level.WARNING, "No checkpoint of " + segments.directory().path() + ": " + e.getMessage());
        } catch (ViperException e) {
            // Closed meanwhile (its close writes the index file), or a write failed and the store refuses writes:
            // no index file may then claim to cover the logs.
            LOG.log(Level.DEBUG, () -> "No checkpoint of " + segments.directory().path() + ": " + e.getMessage());
        }
    }

    private long fileBytes() {
        try {
            return Files.size(segments.directory().indexFile());
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Stops taking checkpoints, letting one under way finish, before close writes the index file itself: a
     * checkpoint's older snapshot must not replace the file close writes.
     */
    void stop() {
        if (queue != null) {
            queue.stop();
        }
    }
}
