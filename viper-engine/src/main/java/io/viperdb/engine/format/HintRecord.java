package io.viperdb.engine.format;

import java.nio.ByteBuffer;

/**
 * A record of the key log: the header of one value log record, where that record starts, and its key. Opening a
 * store reads only these, never the values.
 *
 * <pre>
 * key log := fileHeader(VIPK) hint*
 * hint    := header recordOffset:u64 key                 (see {@link RecordHeader})
 *   header        the value log record's header fields, with the hint's own checksum, which covers
 *                 everything after it: the header fields, recordOffset and key
 *   recordOffset  where the record starts in the value log of the same segment
 *   key           keyLength bytes of UTF-8
 * </pre>
 *
 * Hints are in the same order as the records of their value log, and each starts where the one before it ends;
 * the key log is therefore a cache of the value log, rebuilt from it when it is damaged or missing.
 */
public final class HintRecord {

    public static final int RECORD_OFFSET_OFFSET = RecordHeader.SIZE;
    public static final int KEY_OFFSET = RECORD_OFFSET_OFFSET + Long.BYTES;

    private HintRecord() {
    }

    /** The length of a hint with a key of this length. */
    public static int length(int keyLength) {
        return KEY_OFFSET + keyLength;
    }

    /** Writes the hint for a record of {@code key} at {@code recordOffset} at the position of {@code dst}. */
    public static void write(ByteBuffer dst, byte type, long timestamp, long expiry, byte[] key, int valueLength,
            long recordOffset) {
        int start = dst.position();
        putFixedFields(dst, start, type, timestamp, expiry, key.length, valueLength, recordOffset);
        dst.put(start + KEY_OFFSET, key);
        finish(dst, start, key.length);
    }

    /**
     * Writes, at the position of {@code dst}, the hint for the value log record that starts at {@code recordStart}
     * in {@code record} (it must be sound: {@link DataRecord#inspect}) and that is found at {@code recordOffset}.
     */
    public static void writeFor(ByteBuffer dst, ByteBuffer record, int recordStart, long recordOffset) {
        int start = dst.position();
        int keyLength = RecordHeader.keyLength(record, recordStart);
        putFixedFields(dst, start, RecordHeader.type(record, recordStart), RecordHeader.timestamp(record, recordStart),
                RecordHeader.expiry(record, recordStart), keyLength, RecordHeader.valueLength(record, recordStart),
                recordOffset);
        dst.put(start + KEY_OFFSET, record, recordStart + RecordHeader.SIZE, keyLength);
        finish(dst, start, keyLength);
    }

    private static void putFixedFields(ByteBuffer dst, int start, byte type, long timestamp, long expiry,
            int keyLength, int valueLength, long recordOffset) {
        RecordHeader.put(dst, start, type, timestamp, expiry, keyLength, valueLength);
        dst.putLong(start + RECORD_OFFSET_OFFSET, recordOffset);
    }

    private static void finish(ByteBuffer dst, int start, int keyLength) {
        int end = start + length(keyLength);
        dst.putInt(start + RecordHeader.CRC_OFFSET, Checksums.crc32c(dst, start + RecordHeader.TYPE_OFFSET, end));
        dst.position(end);
    }

    /**
     * Inspects the hint that starts at {@code start}, reading no further than {@code limit}, as
     * {@link DataRecord#inspect} inspects a record (a hint's fixed part runs to its key).
     *
     * @return a {@link RecordVerdict}: its length if whole and sound, else what is wrong
     */
    public static int inspect(ByteBuffer bytes, int start, int limit) {
        if (limit - start < KEY_OFFSET) {
            return RecordVerdict.HEADER_CUT_SHORT;
        }
        if (RecordHeader.implausibility(bytes, start) != null) {
            return RecordVerdict.IMPLAUSIBLE_HEADER;
        }
        int length = length(RecordHeader.keyLength(bytes, start));
        if (length > limit - start) {
            return RecordVerdict.RECORD_CUT_SHORT;
        }
        int computed = Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + length);
        return RecordHeader.storedCrc(bytes, start) == computed ? length : RecordVerdict.CHECKSUM_MISMATCH;
    }

    /** Where the value log record this hint describes starts. */
    public static long recordOffset(ByteBuffer bytes, int start) {
        return bytes.getLong(start + RECORD_OFFSET_OFFSET);
    }

    /** The length of the value log record this hint describes. */
    public static int recordLength(ByteBuffer bytes, int start) {
        return DataRecord.length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start));
    }
}
