package io.viperdb.engine.store;

import io.viperdb.StoreIOException;
import io.viperdb.ViperException;
import io.viperdb.engine.log.Segment;
import java.lang.System.Logger.Level;

/**
 * Forces writes to the device, sharing one sync among the writers that wait at the same time (group commit).
 *
 * <p>Every write takes a sequence number under the write lock. A thread that needs its write durable waits until the
 * synced sequence reaches it; if no sync is running, it leads one: under the write lock it flushes the active segment
 * and notes the last sequence appended, then, without the lock, forces the value log and the key log. Writers that
 * append meanwhile wait for the next round, so one sync covers as many writes as arrived while the last one ran.
 * Once the value log is forced, a sync mark notes how far, so that the next open checks only what follows.
 * Rolls, reclaims and close sync the segments they seal themselves.
 */
final class Syncer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final WriteGate gate;
    private final Segments segments;
    /** The sequence of the last write appended; guarded by the write lock. */
    private long appended;
    /** The sequence up to which writes are on the device; guarded by this. */
    private long synced;
    /** Whether a thread is leading a sync; guarded by this. */
    private boolean syncing;
    private boolean failureLogged;

    Syncer(WriteGate gate, Segments segments) {
        this.gate = gate;
        this.segments = segments;
    }

    /** Numbers a write just appended. The caller holds the write lock. */
    long appended() {
        return ++appended;
    }

    /** The sequence of the last write appended. The caller holds the write lock. */
    long lastAppended() {
        return appended;
    }

    /** Returns when every write up to {@code sequence} is on the device. */
    void awaitDurable(long sequence) {
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
    private record Round(Segment.SyncPoint point, long target) {
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

    /** Syncs what was written since the last sync, if anything; for the periodic policy's background thread. */
    void syncPending() {
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
                LOG.log(Level.WARNING, "Background sync of " + segments.directory().path() + " failed; writes are refused", e);
            }
        }
    }
}
