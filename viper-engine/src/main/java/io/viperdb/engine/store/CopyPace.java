package io.viperdb.engine.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Holds a copy to at most so many bytes per second, by pausing the copying thread when it runs ahead. */
final class CopyPace {

    static final CopyPace UNLIMITED = new CopyPace(Long.MAX_VALUE);
    /** The longest single pause, so that a request to stop is seen soon even when a huge record ran far ahead. */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long bytesPerSecond;
    private long started;
    private long copied;

    CopyPace(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A fresh pace for one copy at this rate. */
    static CopyPace of(long bytesPerSecond) {
        return bytesPerSecond == Long.MAX_VALUE ? UNLIMITED : new CopyPace(bytesPerSecond);
    }

    /** Counts {@code bytes} just copied, and waits until copying them keeps to the rate, or {@code stop} says so. */
    void copied(long bytes, BooleanSupplier stop) {
        if (bytesPerSecond == Long.MAX_VALUE) {
            return;
        }
        long now = System.nanoTime();
        if (copied == 0) {
            started = now;
        }
        copied += bytes;
        // Doubles: copied * 1e9 would overflow a long after 9 GB.
        long due = started + (long) (copied * 1e9 / bytesPerSecond);
        while (now < due && !stop.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(due - now, MAX_PAUSE_NANOS));
            now = System.nanoTime();
        }
    }
}
