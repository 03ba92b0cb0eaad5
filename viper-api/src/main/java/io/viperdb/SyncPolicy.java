package io.viperdb;

import java.time.Duration;
import java.util.Objects;

/**
 * When a store forces its writes to the device. Whatever the policy, a write is visible to every reader when it
 * returns, {@link KeyValueStore#flush()} hands buffered writes to the operating system (they then survive a crash of
 * the process), and {@link KeyValueStore#sync()} and {@link KeyValueStore#close()} force them to the device (they then
 * survive a crash of the operating system or a power loss).
 *
 * <ul>
 *   <li>{@link #manual()}, the default: nothing more. The fastest; a power loss can lose the writes since the last
 *       sync, close, reclaim or log file roll.</li>
 *   <li>{@link #every(Duration)}: a background thread syncs at that interval, when there were writes. A crash of the
 *       process or a power loss loses at most about one interval of writes.</li>
 *   <li>{@link #always()}: a write returns only once it is on the device. Writers that wait at the same time share one
 *       sync (group commit), so durable throughput grows with the number of writing threads.</li>
 * </ul>
 */
public sealed interface SyncPolicy permits SyncPolicy.Manual, SyncPolicy.Periodic, SyncPolicy.Always {

    /** {@return no automatic syncing: only {@code sync()}, {@code close()}, reclaims and log file rolls sync} */
    static SyncPolicy manual() {
        return Manual.INSTANCE;
    }

    /**
     * Syncs in the background every {@code interval} while there are writes to sync.
     *
     * @param interval the time between two syncs, at least a millisecond
     * @return the policy
     * @throws IllegalArgumentException if the interval is shorter than a millisecond
     */
    static SyncPolicy every(Duration interval) {
        return new Periodic(interval);
    }

    /** {@return syncing before every write returns, one sync shared among the writers that wait together} */
    static SyncPolicy always() {
        return Always.INSTANCE;
    }

    /** See {@link #manual()}. */
    final class Manual implements SyncPolicy {
        private static final Manual INSTANCE = new Manual();

        private Manual() {
        }

        @Override
        public String toString() {
            return "SyncPolicy.manual()";
        }
    }

    /** See {@link #every(Duration)}. */
    final class Periodic implements SyncPolicy {
        private final Duration interval;

        private Periodic(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("A sync interval must be at least 1 ms, was " + interval);
            }
            this.interval = interval;
        }

        /** {@return the time between two syncs} */
        public Duration interval() {
            return interval;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Periodic p && p.interval.equals(interval);
        }

        @Override
        public int hashCode() {
            return interval.hashCode();
        }

        @Override
        public String toString() {
            return "SyncPolicy.every(" + interval + ")";
        }
    }

    /** See {@link #always()}. */
    final class Always implements SyncPolicy {
        private static final Always INSTANCE = new Always();

        private Always() {
        }

        @Override
        public String toString() {
            return "SyncPolicy.always()";
        }
    }
}
