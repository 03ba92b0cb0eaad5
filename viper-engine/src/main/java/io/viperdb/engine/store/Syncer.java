package io.viperdb.engine.store;

import io.viperdb.StoreIOException;
import io.viperdb.SyncPolicy;
import io.viperdb.ViperException;
import io.viperdb.engine.log.Segment;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Forces writes to the device, sharing one sync among the writers that wait at the same time (group commit).
 *
 * <p>Every write takes a sequence number under the write lock. A thread that needs its write durable waits until the
 * synced sequence reaches it; if no sync is running, it leads one: under the write lock it flushes the active segment
 * and notes the last sequence appended, then, without the lock, forces the value log and the key log. Writers that
 * append meanwhile wait for the next round, so one sync covers as many writes as arrived while the last one ran.
 * Once the value log is forced, a sync mark notes how far, so that the next open checks only what follows.
 * Rolls, reclaims and close sync the segments they seal themselves.
 *
 * <p>It keeps the store's {@link SyncPolicy}: under {@link SyncPolicy#always()} each write waits for its sync
 * ({@link #afterWrite}); under {@link SyncPolicy#every(Duration)} a background thread syncs what is pending at that
 * interval, from {@link #start()} on; and unless every write is synced anyway, a {@link BackgroundSync} starts syncs early
 * as writes pile up. A read-only store syncs nothing.
 */
final class Syncer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final WriteGate gate;
    private final Segments segments;
    /** Whether each write waits until it is on the device. */
    private final boolean syncEveryWrite;
    /** How often the periodic policy syncs; null under another policy. */
    private final Duration interval;
    /** The thread of the periodic policy; null under another policy. */
    private final BackgroundQueue periodic;
    /** Null when every write is synced anyway, and in a read-only store. */
    private final BackgroundSync backgroundSync;
    /** The sequence of the last write appended; guarded by the write lock. */
    private long appended;
    /** The sequence up to which writes are on the device; guarded by this. */
    private long synced;
    /** Whether a thread is leading a sync; guarded by this. */
    private boolean syncing;
    private boolean failureLogged;

    Syncer(WriteGate gate, Segments segments, SyncPolicy policy) {
        this.gate = gate;
        this.segments = segments;
        // A read-only store writes nothing, so it syncs nothing: no background work at all.
        boolean writes = !gate.readOnly();
        this.syncEveryWrite = writes && policy instanceof SyncPolicy.Always;
        this.interval = writes && policy instanceof SyncPolicy.Periodic every ? every.interval() : null;
        Path directory = segments.directory().path();
        this.periodic = interval == null ? null : new BackgroundQueue("viperdb-sync " + directory,
                BackgroundQueue.Workers.SYNCS);
        this.backgroundSync = !writes || syncEveryWrite ? null
                : new BackgroundSync(() -> this::syncPending, "viperdb-writeback " + directory);
    }

    /** Starts the periodic policy's syncs, once the store is open. */
    void start() {
        if (periodic != null) {
            periodic.every(interval, this::syncPending);
        }
    }

    /** Numbers a write of {@code bytes} just appended. The caller holds the write lock. */
    long appended(long bytes) {
        if (backgroundSync != null) {
            backgroundSync.appended(bytes);
        }
        return ++appended;
    }

    /** Under {@link SyncPolicy#always()}, returns only once the write numbered {@code sequence} is on the device. */
    void afterWrite(long sequence) {
        if (syncEveryWrite) {
            awaitDurable(sequence);
        }
    }

    /** Forces every write made before the call to the device, sharing the sync with concurrent callers. */
    void sync() {
        long sequence = gate.underWriteLock("sync", () -> appended);
        awaitDurable(sequence);
    }

    /** Returns when every write up to {@code sequence} is on the device. */
    private void awaitDurable(long sequence) {
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (this) {
                    while (syncing && synced < sequence) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            // A durability promise cannot be abandoned half way: finish waiting, then re-interrupt.
                            interrupted = true;
                        }
                    }
                    if (synced >= sequence) {
                        return;
                    }
                    syncing = true;
                }
                try {
                    long target = syncOnce();
                    synchronized (this) {
                        synced = Math.max(synced, target);
                    }
                } finally {
                    synchronized (this) {
                        syncing = false;
                        notifyAll();
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What one sync covers: the flushed segment, and the last write appended when it was flushed. */
    private record Round(Segment.PendingSync point, long target) {
    }

    private long syncOnce() {
        Round round = gate.underWriteLock("sync", () -> new Round(segments.active().flushForSync(), appended));
        try {
            round.point().force();
        } catch (StoreIOException e) {
            // After a failed sync the state of the files is unknown: nothing more may be written or promised.
            throw gate.failWrites(e);
        }
        gate.checkWritable("sync");
        round.point().markSynced(segments.syncMarks());
        return round.target();
    }

    /**
     * Syncs what was written since the last sync, if anything; on a background thread, for the periodic policy and
     * the backgroundSync.
     */
    private void syncPending() {
        long last = gate.holdingWriteLock(() -> appended);
        synchronized (this) {
            if (synced >= last) {
                return;
            }
        }
        try {
            awaitDurable(last);
        } catch (ViperException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.log(Level.WARNING, "Background sync of " + segments.directory().path()
                        + " failed; writes are refused", e);
            }
        }
    }

    /** Stops the background syncs, letting one under way finish; before close seals the active segment. */
    void stop() {
        if (backgroundSync != null) {
            backgroundSync.stop();
        }
        if (periodic != null) {
            periodic.stop();
        }
    }
}
