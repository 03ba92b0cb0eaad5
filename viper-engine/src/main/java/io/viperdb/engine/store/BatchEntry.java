package io.viperdb.engine.store;

import java.time.Duration;

/**
 * One operation of a batch, checked and encoded, ready to be written.
 *
 * @param keyBytes the key's bytes
 * @param value the encoded value, or null for a remove
 * @param timeToLive how long a put lives, or null for an expiry at {@code expiry}
 * @param expiry when a put with no {@code timeToLive} expires, epoch milliseconds, or
 *     {@link io.viperdb.engine.format.RecordHeader#NO_EXPIRY}
 */
record BatchEntry(byte[] keyBytes, byte[] value, Duration timeToLive, long expiry) {

    /** The length of this operation's record in the value log. */
    int recordLength() {
        return io.viperdb.engine.format.DataRecord.length(keyBytes.length, value == null ? 0 : value.length);
    }
}
