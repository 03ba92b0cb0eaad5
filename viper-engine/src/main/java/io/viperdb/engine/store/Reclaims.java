package io.viperdb.engine.store;

import io.viperdb.ReclaimResult;
import io.viperdb.engine.index.KeyDirectory;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs the store's reclaims one at a time, under the reclaim lock, whether asked for by the application or by the
 * automatic reclaim. What must not overlap a reclaim (verify, backup, close) runs {@link #between} two.
 *
 * <p>The reclaim lock is taken before the write lock, never while holding it.
 */
final class Reclaims {

    private final ReentrantLock lock = new ReentrantLock();
    private final WriteGate gate;
    private final KeyDirectory index;
    private final Segments segments;
    private final Clock clock;
    /** Told after a reclaim that replaced segments: the index file no longer covers them. */
    private final Runnable afterReplacing;

    Reclaims(WriteGate gate, KeyDirectory index, Segments segments, Clock clock, Runnable afterReplacing) {
        this.gate = gate;
        this.index = index;
        this.segments = segments;
        this.clock = clock;
        this.afterReplacing = afterReplacing;
    }

    /**
     * Reclaims (see {@link Reclaimer}), copying no faster than {@code pace}, telling {@code afterStep} after each step
     * and {@code changes} of each key it drops, and gives up at a record (throwing {@link Reclaimer.Stopped}, the store
     * whole) once {@code stop} says so. Waits for a reclaim under way to end first. With
     * {@code leaveASoundStoreAlone}, a store with nothing to drop is left as it is (see {@link Reclaimer#run}).
     */
    ReclaimResult run(CopyPace pace, BooleanSupplier stop, Runnable afterStep, IndexChanges changes,
            boolean leaveASoundStoreAlone) {
        return between(() -> {
            gate.checkWritable("reclaim");
            List<Long> before = segments.manifest().segmentIds();
            try {
                return new Reclaimer(gate, changes, index, segments, clock, pace, stop, afterStep)
                        .run(leaveASoundStoreAlone);
            } finally {
                // Also after a reclaim stopped or failed part way: the steps before it replaced their segments.
                if (!isPrefix(before, segments.manifest().segmentIds())) {
                    afterReplacing.run();
                }
            }
        });
    }

    /** Whether {@code after} lists the segments of {@code before} first: only rolls came between. */
    private static boolean isPrefix(List<Long> before, List<Long> after) {
        return before.size() <= after.size() && after.subList(0, before.size()).equals(before);
    }

    /** Runs {@code work} between two reclaims: after the one under way, if any, and before the next starts. */
    <T> T between(Supplier<T> work) {
        return Locked.get(lock, work);
    }

    /** {@link #between(Supplier)} for work that returns nothing. */
    void between(Runnable work) {
        Locked.run(lock, work);
    }
}
