package io.viperdb.engine.index;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;

/**
 * Where the live value of a key is: its record in a segment's value log, and when it expires. Immutable, so a
 * reader that got one from the {@link KeyDirectory} reads a consistent place even while writers move on.
 *
 * @param segment the segment whose value log holds the record
 * @param offset where the record starts in that value log
 * @param length the length of the whole record
 * @param expiry when the key expires, epoch milliseconds; {@link RecordHeader#NO_EXPIRY} for never
 */
public record Location(Segment segment, long offset, int length, long expiry) {

    /** Where the record ends in its value log. */
    public long end() {
        return offset + length;
    }

    public boolean expires() {
        return expiry != RecordHeader.NO_EXPIRY;
    }

    /** True if the key has expired at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return nowMillis >= expiry;
    }
}
