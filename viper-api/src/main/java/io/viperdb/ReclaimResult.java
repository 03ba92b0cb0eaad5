package io.viperdb;

import java.time.Duration;

/**
 * What a {@link KeyValueStore#reclaim()} did.
 *
 * @param bytesBefore the size of the store's log files before the reclaim
 * @param bytesAfter the size of the store's log files after it (including writes made while it ran)
 * @param recordsKept the live records copied into the new files; when nothing was dead, every live record, kept where
 *     it was (the store is then left as it is, and {@code bytesAfter} equals {@code bytesBefore})
 * @param elapsed how long the reclaim took
 */
public record ReclaimResult(long bytesBefore, long bytesAfter, long recordsKept, Duration elapsed) {

    /** {@return the bytes the reclaim gave back to the file system (negative if concurrent writes added more)} */
    public long bytesFreed() {
        return bytesBefore - bytesAfter;
    }
}
