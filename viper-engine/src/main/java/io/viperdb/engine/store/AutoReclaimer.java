package io.viperdb.engine.store;

import io.viperdb.AutoReclaim;
import io.viperdb.CorruptStoreException;
import io.viperdb.ReclaimResult;
import io.viperdb.ViperException;
import io.viperdb.engine.index.Place;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reclaims in the background when the store's dead records pass what its {@link AutoReclaim} policy allows.
 *
 * <p>Writers tell it of each change of the index, under the write lock ({@link #replaced}): it counts the change in
 * its {@link LiveSpace}, compares the two figures and, at most once until that reclaim has run, hands a task to its
 * reclaim thread. The task waits out the policy's interval since the previous reclaim, looks again, and reclaims at
 * the policy's pace (through {@link Reclaims}, as an application's reclaim). A reclaim that leaves the store
 * still due (writers made dead records faster than it freed them) is followed by another after the interval.
 *
 * <p>So that the space stays bounded when writers make dead records faster than reclaims free them, a writer waits
 * while the value logs are past a {@link #ceiling} (about twice the live data), until a reclaim step makes room.
 */
final class AutoReclaimer implements IndexChanges {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final AutoReclaim policy;
    private final LiveSpace space;
    private final Reclaims reclaims;
    private final WriteGate gate;
    private final Path directory;
    private final BackgroundQueue queue;
    /** The longest a writer waits for room: past it, the write goes ahead. */
    private static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long logFileSize;
    private final Object room = new Object();
    /** The reclaim task scheduled or running, if any. */
    private volatile ScheduledFuture<?> pending;
    private volatile long lastEndNanos = System.nanoTime() - Long.MAX_VALUE / 2;
    private volatile boolean stopped;

    AutoReclaimer(AutoReclaim policy, LiveSpace space, Reclaims reclaims, WriteGate gate, Path directory,
            long logFileSize) {
        this.policy = policy;
        this.space = space;
        this.reclaims = reclaims;
        this.gate = gate;
        this.directory = directory;
        this.logFileSize = logFileSize;
        this.queue = new BackgroundQueue("viperdb-reclaim " + directory, BackgroundQueue.Workers.RECLAIMS);
    }

    /** Counts the live bytes and looks whether the store should reclaim; once the store is open. */
    void start() {
        gate.holdingWriteLock(() -> {
            space.count();
            consider();
        });
    }

    @Override
    public void replaced(Place before, Place after) {
        space.replaced(before, after);
        consider();
    }

    /**
     * Schedules a reclaim if the figures call for one and none is scheduled; past the {@link #ceiling}, at once
     * rather than after the policy's interval. Cheap when nothing is to be done: called on every write, under the
     * write lock.
     */
    private void consider() {
        long recordBytes = space.recordBytes();
        long liveBytes = space.liveBytes();
        if (stopped || !policy.due(recordBytes, liveBytes)) {
            return;
        }
        boolean urgent = recordBytes > ceiling(liveBytes);
        ScheduledFuture<?> current = pending;
        if (current != null && !current.isDone() && (!urgent || current.getDelay(TimeUnit.NANOSECONDS) <= 0)) {
            return;
        }
        schedule(urgent);
    }

    private synchronized void schedule(boolean urgent) {
        ScheduledFuture<?> current = pending;
        if (current != null && !current.isDone()) {
            // Only an urgent request moves a reclaim that waits out the interval forward; a running one is left be.
            if (!urgent || current.getDelay(TimeUnit.NANOSECONDS) <= 0 || !current.cancel(false)) {
                return;
            }
        }
        long wait = urgent ? 0 : Math.max(0, lastEndNanos + policy.minInterval().toNanos() - System.nanoTime());
        try {
            pending = queue.schedule(this::reclaimIfDue, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The store is closing.
        }
    }

    private void reclaimIfDue() {
        try {
            if (!stopped && due()) {
                ReclaimResult result = reclaims.run(CopyPace.of(policy.maxBytesPerSecond()), () -> stopped,
                        this::madeRoom, this, false);
                LOG.log(Level.DEBUG, () -> "Automatic reclaim of " + directory + ": " + result);
            }
        } catch (Reclaimer.Stopped e) {
            return;
        } catch (CorruptStoreException e) {
            // Reclaiming again would meet the same damage: leave it to the application, which its reads will tell.
            stopped = true;
            LOG.log(Level.WARNING, "Automatic reclaim of " + directory + " found damage and is off until the"
                    + " store is opened again", e);
            return;
        } catch (ViperException e) {
            // Closed meanwhile, or the store refuses writes after an I/O failure, which its writers are told of.
            LOG.log(Level.DEBUG, () -> "Automatic reclaim of " + directory + " did not run: " + e);
            return;
        } finally {
            lastEndNanos = System.nanoTime();
            madeRoom();
        }
        if (!stopped && due()) {
            considerAgain();
        }
    }

    /** Looks at the store again, as after a write, unless it has closed. */
    private void considerAgain() {
        gate.holdingWriteLock(() -> {
            if (gate.isOpen()) {
                consider();
            }
        });
    }

    /** Whether the policy says the store should reclaim now. */
    private boolean due() {
        return policy.due(space.recordBytes(), space.liveBytes());
    }

    /** Whether the value logs are past the {@link #ceiling}. */
    private boolean overCeiling() {
        return space.recordBytes() > ceiling(space.liveBytes());
    }

    /**
     * The most bytes of records the value logs may hold with {@code liveBytes} of them live before writers wait: twice
     * the live data, or the level at which the policy reclaims if that is higher, plus room for the dead records the
     * policy lets gather and for one reclaim step.
     */
    private long ceiling(long liveBytes) {
        double level = Math.max(2.0 * liveBytes, liveBytes / (1 - policy.deadFraction()));
        return (long) Math.min(level + policy.minDeadBytes() + Reclaimer.STEP_LOG_FILES * (double) logFileSize,
                Long.MAX_VALUE);
    }

    /**
     * Makes a writer wait while the value logs are past the {@link #ceiling}, for the running reclaim to make room,
     * for at most {@link #MAX_HOLD_NANOS} (so that a reclaim that cannot make room only slows writers down).
     */
    void awaitRoom() {
        if (stopped || !overCeiling()) {
            return;
        }
        long deadline = System.nanoTime() + MAX_HOLD_NANOS;
        synchronized (room) {
            considerAgain();
            while (!stopped && overCeiling()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(room, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void madeRoom() {
        synchronized (room) {
            room.notifyAll();
        }
    }

    /** Stops for good: a running reclaim gives up before its commit point; returns once it has. */
    void stop() {
        stopped = true;
        madeRoom();
        queue.stop();
    }
}
