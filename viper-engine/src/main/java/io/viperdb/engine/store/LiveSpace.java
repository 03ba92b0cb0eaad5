package io.viperdb.engine.store;

import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Place;

/**
 * The two figures the automatic reclaim decides on: the bytes of every record in the value logs, live or dead, and
 * the bytes of the live ones, the records the index points to (expired or not). Their difference is what a reclaim
 * would free.
 *
 * <p>The live bytes are counted once when the store opens and then kept by each change of the index, which its
 * writers report under the write lock; they are read without it.
 */
final class LiveSpace {

    private final KeyDirectory index;
    private final Segments segments;
    /** The bytes of the records the index points to. Written under the write lock. */
    private volatile long liveBytes;

    LiveSpace(KeyDirectory index, Segments segments) {
        this.index = index;
        this.segments = segments;
    }

    /** Counts the live bytes from the index, as at open. The caller holds the write lock. */
    void count() {
        // Expired entries count too: none has expired at the earliest time there is.
        liveBytes = index.liveBytes(Long.MIN_VALUE);
    }

    /** Counts the change of an index entry from {@code before} to {@code after}, either null where there is none. */
    void replaced(Place before, Place after) {
        liveBytes += (after == null ? 0 : after.length()) - (before == null ? 0 : before.length());
    }

    /** The bytes of the records the index points to, expired or not. */
    long liveBytes() {
        return liveBytes;
    }

    /** The bytes of every record in the value logs, live and dead. */
    long recordBytes() {
        return segments.recordBytes();
    }
}
