package io.viperdb.engine.index;

import io.viperdb.engine.format.RecordHeader;

/**
 * Where the live value of a key is: its record in the value log of a segment, named by the segment's id, and when it
 * expires. Immutable, so a reader that got one from the {@link KeyDirectory} holds a place of one moment while writers
 * move on. The index knows nothing of segments beyond their ids: the store resolves them.
 *
 * @param segment the id of the segment whose value log holds the record
 * @param offset where the record starts in that value log
 * @param length the length of the whole record
 * @param expiry when the key expires, epoch milliseconds; {@link RecordHeader#NO_EXPIRY} for never
 */
public record Place(long segment, long offset, int length, long expiry) {

    /** Where the record ends in its value log. */
    public long end() {
        return offset + length;
    }

    /** Whether the key has an expiry at all. */
    public boolean expires() {
        return expiry != RecordHeader.NO_EXPIRY;
    }

    /** Whether the key has expired at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return nowMillis >= expiry;
    }
}
