package io.viperdb.engine.store;

import io.viperdb.AutoReclaim;
import io.viperdb.CorruptStoreException;
import io.viperdb.ReclaimResult;
import io.viperdb.ViperException;
import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reclaims in the background when the store's dead records pass what its {@link AutoReclaim} policy allows.
 *
 * <p>Writers only ask {@link #consider} after each change, under the write lock: it compares two numbers and, at most
 * once until that reclaim has run, hands a task to the store's own reclaim thread. The task waits out the policy's
 * interval since the previous reclaim, looks again, and reclaims at the policy's pace. A reclaim that leaves the store
 * still due (writers made dead records faster than it freed them) is followed by another after the interval.
 */
final class AutoReclaimer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final RecordStore store;
    private final AutoReclaim policy;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long lastEndNanos = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile boolean stopped;

    AutoReclaimer(RecordStore store, AutoReclaim policy) {
        this.store = store;
        this.policy = policy;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "viperdb-reclaim " + store.directory());
            t.setDaemon(true);
            return t;
        });
        // Closing should not wait out an interval for a task that would do nothing. Nor may it interrupt a running
        // reclaim (shutdownNow): an interrupt inside a FileChannel operation closes the channel under the store.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = executor;
    }

    /** Schedules a reclaim if these figures call for one and none is scheduled. Cheap: called on every write. */
    void consider(long recordBytes, long liveBytes) {
        if (stopped || !policy.due(recordBytes, liveBytes) || !scheduled.compareAndSet(false, true)) {
            return;
        }
        long wait = lastEndNanos + policy.minInterval().toNanos() - System.nanoTime();
        try {
            thread.schedule(this::reclaimIfDue, Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The store is closing.
            scheduled.set(false);
        }
    }

    private void reclaimIfDue() {
        try {
            if (!stopped && store.reclaimDue(policy)) {
                ReclaimResult result = store.reclaim(CopyPace.of(policy.maxBytesPerSecond()), () -> stopped);
                LOG.log(Level.DEBUG, () -> "Automatic reclaim of " + store.directory() + ": " + result);
            }
        } catch (Reclaimer.Stopped e) {
            return;
        } catch (CorruptStoreException e) {
            // Reclaiming again would meet the same damage: leave it to the application, which its reads will tell.
            stopped = true;
            LOG.log(Level.WARNING, "Automatic reclaim of " + store.directory() + " found damage and is off until the"
                    + " store is opened again", e);
            return;
        } catch (ViperException e) {
            // Closed meanwhile, or the store refuses writes after an I/O failure, which its writers are told of.
            LOG.log(Level.DEBUG, () -> "Automatic reclaim of " + store.directory() + " did not run: " + e);
            return;
        } finally {
            lastEndNanos = System.nanoTime();
            scheduled.set(false);
        }
        if (!stopped && store.reclaimDue(policy)) {
            store.considerReclaim();
        }
    }

    /** Stops for good: a running reclaim gives up before its commit point; returns once it has. */
    void stop() {
        stopped = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.log(Level.WARNING, "Automatic reclaim of " + store.directory() + " did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
