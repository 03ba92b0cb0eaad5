package io.viperdb.engine.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch whose begin record a {@link SegmentReplay} has taken and whose commit record it has not reached (recovery
 * rule 7 of FORMAT.md): the records it holds until the commit applies them, and where the replay stood before its
 * begin record, to go back to if the commit is not there.
 */
final class OpenBatch {

    /** A record of the batch, its key copied: the buffer it was read from is reused once the record is taken. */
    record Held(byte[] key, byte type, long expiry, long offset, int length) {
    }

    /** Where the begin record starts in the value log. */
    final long start;
    /** The end of the hints the replay had taken before the begin record. */
    final long keyLogEnd;
    /** Where the record before the begin record starts, -1 if none. */
    final long lastRecordBefore;
    /** How many records past the hints the replay had taken before the begin record. */
    final int unhintedBefore;
    private final List<Held> held = new ArrayList<>();

    OpenBatch(long start, long keyLogEnd, long lastRecordBefore, int unhintedBefore) {
        this.start = start;
        this.keyLogEnd = keyLogEnd;
        this.lastRecordBefore = lastRecordBefore;
        this.unhintedBefore = unhintedBefore;
    }

    /** Holds the record at {@code offset} whose key is {@code bytes[keyStart, keyStart + keyLength)}. */
    void hold(ByteBuffer bytes, int keyStart, int keyLength, byte type, long expiry, long offset, int length) {
        byte[] key = new byte[keyLength];
        bytes.get(keyStart, key);
        held.add(new Held(key, type, expiry, offset, length));
    }

    /** The records held, in the order they were taken. */
    List<Held> held() {
        return held;
    }
}
