package io.viperdb.engine.format;

import io.viperdb.KeyValueStore;
import java.nio.ByteBuffer;

/**
 * The 27 bytes that start both a value log record ({@link DataRecord}) and a key log record ({@link HintRecord}).
 *
 * <pre>
 * header := crc:u32 type:u8 timestamp:i64 expiry:i64 keyLength:u16 valueLength:u32      (big-endian)
 *   crc          CRC32C of every byte of the record after this field
 *   type         1 = put, 2 = delete, 3 = batch begin, 4 = batch commit; 0 never starts a record, so
 *                zero-filled space reads as "no record"
 *   timestamp    when the record was written, epoch milliseconds by the store's clock
 *   expiry       when the key expires, epoch milliseconds; {@value Long#MAX_VALUE} = never
 *   keyLength    bytes of UTF-8 key, at most 4096
 *   valueLength  bytes of encoded value, at most 1023 MiB; 0 for a delete
 * </pre>
 *
 * A batch is its records between a begin and a commit record, both with an empty key and value: recovery applies
 * the records of a batch only when it reaches the commit.
 */
public final class RecordHeader {

    public static final byte PUT = 1;
    public static final byte DELETE = 2;
    public static final byte BATCH_BEGIN = 3;
    public static final byte BATCH_COMMIT = 4;
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    public static final int CRC_OFFSET = 0;
    public static final int TYPE_OFFSET = CRC_OFFSET + Integer.BYTES;
    public static final int TIMESTAMP_OFFSET = TYPE_OFFSET + Byte.BYTES;
    public static final int EXPIRY_OFFSET = TIMESTAMP_OFFSET + Long.BYTES;
    public static final int KEY_LENGTH_OFFSET = EXPIRY_OFFSET + Long.BYTES;
    public static final int VALUE_LENGTH_OFFSET = KEY_LENGTH_OFFSET + Short.BYTES;
    public static final int SIZE = VALUE_LENGTH_OFFSET + Integer.BYTES;

    private RecordHeader() {
    }

    /** Writes every field but the checksum at {@code start}, by absolute position. */
    static void put(ByteBuffer dst, int start, byte type, long timestamp, long expiry, int keyLength, int valueLength) {
        dst.put(start + TYPE_OFFSET, type)
                .putLong(start + TIMESTAMP_OFFSET, timestamp)
                .putLong(start + EXPIRY_OFFSET, expiry)
                .putShort(start + KEY_LENGTH_OFFSET, (short) keyLength)
                .putInt(start + VALUE_LENGTH_OFFSET, valueLength);
    }

    public static byte type(ByteBuffer bytes, int start) {
        return bytes.get(start + TYPE_OFFSET);
    }

    public static long timestamp(ByteBuffer bytes, int start) {
        return bytes.getLong(start + TIMESTAMP_OFFSET);
    }

    public static long expiry(ByteBuffer bytes, int start) {
        return bytes.getLong(start + EXPIRY_OFFSET);
    }

    public static int keyLength(ByteBuffer bytes, int start) {
        return Short.toUnsignedInt(bytes.getShort(start + KEY_LENGTH_OFFSET));
    }

    /** The value length as stored; negative when the stored u32 is beyond what any record can hold. */
    public static int valueLength(ByteBuffer bytes, int start) {
        return bytes.getInt(start + VALUE_LENGTH_OFFSET);
    }

    public static int storedCrc(ByteBuffer bytes, int start) {
        return bytes.getInt(start + CRC_OFFSET);
    }

    /**
     * Says what is wrong with the header fields at {@code start}, or returns null if they are plausible: a known
     * type, lengths within the limits, no value on a delete. Checks no checksum.
     */
    static String implausibility(ByteBuffer bytes, int start) {
        byte type = type(bytes, start);
        if (type < PUT || type > BATCH_COMMIT) {
            return String.format("unknown record type 0x%02x", type);
        }
        int keyLength = keyLength(bytes, start);
        if (keyLength > KeyValueStore.MAX_KEY_BYTES) {
            return "key length " + keyLength + " exceeds the maximum " + KeyValueStore.MAX_KEY_BYTES;
        }
        int valueLength = valueLength(bytes, start);
        if (valueLength < 0 || valueLength > KeyValueStore.MAX_VALUE_BYTES) {
            return "value length " + Integer.toUnsignedString(valueLength) + " exceeds the maximum "
                    + KeyValueStore.MAX_VALUE_BYTES;
        }
        if (type == DELETE && valueLength != 0) {
            return "delete record with a value length of " + valueLength;
        }
        if ((type == BATCH_BEGIN || type == BATCH_COMMIT) && (keyLength != 0 || valueLength != 0)) {
            return "batch marker with a key or value";
        }
        return null;
    }
}
