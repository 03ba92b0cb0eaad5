package io.viperdb.engine.format;

import io.viperdb.spi.KeyText;
import io.viperdb.CorruptStoreException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A record of the value log: every put and every delete, in the order they were made.
 *
 * <pre>
 * value log := fileHeader(VIPV) record*
 * record    := header key value                        (see {@link RecordHeader})
 *   key     keyLength bytes of UTF-8
 *   value   valueLength bytes, as the store's codec encoded them
 * </pre>
 *
 * The checksum covers the header after the checksum field, the key and the value, so a read that checks it and
 * compares the key knows it returns the bytes that were written for that key. The value log alone holds everything
 * the store knows; the key log is an index of it that makes opening fast.
 */
public final class DataRecord {

    // What the index's read finds, by inspectPut.
    private static final int PUT_SOUND = 0;
    private static final int PUT_HEADER_DIFFERS = 1;
    private static final int PUT_OF_ANOTHER_KEY = 2;
    private static final int PUT_CHECKSUM_MISMATCH = 3;

    private DataRecord() {
    }

    /** The length of a record with a key and value of these lengths. */
    public static int length(int keyLength, int valueLength) {
        return RecordHeader.SIZE + keyLength + valueLength;
    }

    /**
     * Fills {@code header} (position 0, {@link RecordHeader#SIZE} bytes) with the header of a record of {@code key}
     * and {@code value}, checksum included. The caller writes header, key and value one after the other; they are
     * separate so that a large value needs no copy.
     */
    public static void encodeHeader(ByteBuffer header, byte type, long timestamp, long expiry, byte[] key,
            byte[] value) {
        RecordHeader.put(header, 0, type, timestamp, expiry, key.length, value.length);
        header.putInt(RecordHeader.CRC_OFFSET,
                Checksums.crc32c(header, RecordHeader.TYPE_OFFSET, RecordHeader.SIZE, key, value));
    }

    /**
     * Inspects the record that starts at {@code start}, reading no further than {@code limit}: the one decision of
     * whether bytes are a record, for every reader that walks a value log (recovery, reclaim, verify, salvage).
     *
     * @return a {@link RecordVerdict}: the record's length if it is whole and sound; otherwise
     *     {@link RecordVerdict#HEADER_CUT_SHORT} or {@link RecordVerdict#RECORD_CUT_SHORT} if its header or its
     *     declared length runs past {@code limit}, {@link RecordVerdict#IMPLAUSIBLE_HEADER} or
     *     {@link RecordVerdict#CHECKSUM_MISMATCH}; {@link #describe} says which in words
     */
    public static int inspect(ByteBuffer bytes, int start, int limit) {
        if (limit - start < RecordHeader.SIZE) {
            return RecordVerdict.HEADER_CUT_SHORT;
        }
        if (RecordHeader.implausibility(bytes, start) != null) {
            return RecordVerdict.IMPLAUSIBLE_HEADER;
        }
        long length = (long) length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start));
        if (length > limit - start) {
            return RecordVerdict.RECORD_CUT_SHORT;
        }
        return checksumMatches(bytes, start, (int) length) ? (int) length : RecordVerdict.CHECKSUM_MISMATCH;
    }

    /**
     * Says what {@code verdict}, which {@link #inspect inspect(bytes, start, limit)} returned, found at {@code start},
     * for an error message or a log line. Built only when a message needs it, from the same bytes.
     */
    public static String describe(int verdict, ByteBuffer bytes, int start, int limit) {
        return switch (verdict) {
            case RecordVerdict.HEADER_CUT_SHORT -> "a record header needs " + RecordHeader.SIZE + " bytes but only "
                    + (limit - start) + " remain";
            case RecordVerdict.IMPLAUSIBLE_HEADER -> RecordHeader.implausibility(bytes, start);
            case RecordVerdict.RECORD_CUT_SHORT -> "a record of "
                    + (long) length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start))
                    + " bytes runs past the end of the data at offset " + limit;
            case RecordVerdict.CHECKSUM_MISMATCH -> checksumMismatch(bytes, start,
                    length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start)));
            default -> "a sound record of " + verdict + " bytes";
        };
    }

    /** Told where each record of a block starts, by {@link #walkBlock}. */
    @FunctionalInterface
    public interface BlockVisitor {
        /** The record that starts at {@code start} of the block's buffer. */
        void record(int start);
    }

    /**
     * Walks the block of consecutive records {@code records[start, start + length)}, every one of which was found
     * sound, by the lengths in their headers: tells {@code visitor} where each starts, in order, and returns where the
     * last one starts. The one walk of a block, for a reclaim's copies.
     */
    public static int walkBlock(ByteBuffer records, int start, int length, BlockVisitor visitor) {
        int last = start;
        for (int at = start; at < start + length; at += length(RecordHeader.keyLength(records, at),
                RecordHeader.valueLength(records, at))) {
            visitor.record(at);
            last = at;
        }
        return last;
    }

    /**
     * Returns the value of the put record of {@code key} that the index places at {@code start} with
     * {@code length}, after checking its header, checksum and key: a read-only view of the stored bytes.
     *
     * @throws CorruptStoreException naming {@code file} and the offset if any check fails
     */
    public static ByteBuffer value(ByteBuffer bytes, int start, int length, byte[] key, Path file) {
        int found = inspectPut(bytes, start, length, key);
        if (found == PUT_OF_ANOTHER_KEY && !checksumMatches(bytes, start, length)) {
            // Damaged bytes may spell another key: the damage is what to report.
            found = PUT_CHECKSUM_MISMATCH;
        }
        switch (found) {
            case PUT_SOUND:
                return valueView(bytes, start, length);
            case PUT_HEADER_DIFFERS:
                throw new CorruptStoreException(file, start, "expected a put record of " + length
                        + " bytes, found a record header that says otherwise (" + describeHeader(bytes, start) + ")");
            case PUT_CHECKSUM_MISMATCH:
                throw new CorruptStoreException(file, start, checksumMismatch(bytes, start, length));
            default:
                int keyLength = RecordHeader.keyLength(bytes, start);
                throw new CorruptStoreException(file, start, "the record holds key "
                        + Keys.describe(bytes, start + RecordHeader.SIZE, keyLength) + ", not the key "
                        + KeyText.describe(key) + " that was read");
        }
    }

    /**
     * Returns the value of the record at {@code start} if it is a sound put record of {@code key} of {@code length}
     * bytes (the checks of {@link #value}), or null if it is not, for whatever reason; throws nothing. For a read that
     * does not know yet whether the record is meant to be {@code key}'s: a record of another key is no damage.
     */
    public static ByteBuffer valueIfSound(ByteBuffer bytes, int start, int length, byte[] key) {
        return inspectPut(bytes, start, length, key) == PUT_SOUND ? valueView(bytes, start, length) : null;
    }

    /**
     * The checks of a read through the index, which {@link #value} and {@link #valueIfSound} share. Not
     * {@link #inspect}: the index gives the record's length, so the header must declare exactly that length (which
     * bounds the key and value lengths that inspect checks against the maxima) and a put; and the record must hold
     * the key that was read.
     */
    private static int inspectPut(ByteBuffer bytes, int start, int length, byte[] key) {
        int keyLength = RecordHeader.keyLength(bytes, start);
        int valueLength = RecordHeader.valueLength(bytes, start);
        if (RecordHeader.type(bytes, start) != RecordHeader.PUT || valueLength < 0
                || length(keyLength, valueLength) != length) {
            return PUT_HEADER_DIFFERS;
        }
        // The key before the checksum: another key's record is then told apart without a pass over its value.
        if (!Keys.matches(key, bytes, start + RecordHeader.SIZE, keyLength)) {
            return PUT_OF_ANOTHER_KEY;
        }
        return checksumMatches(bytes, start, length) ? PUT_SOUND : PUT_CHECKSUM_MISMATCH;
    }

    private static boolean checksumMatches(ByteBuffer bytes, int start, int length) {
        return RecordHeader.storedCrc(bytes, start)
                == Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + length);
    }

    private static String checksumMismatch(ByteBuffer bytes, int start, int length) {
        return Checksums.mismatch("record", RecordHeader.storedCrc(bytes, start),
                Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + length));
    }

    private static ByteBuffer valueView(ByteBuffer bytes, int start, int length) {
        int valueStart = start + RecordHeader.SIZE + RecordHeader.keyLength(bytes, start);
        ByteBuffer value = bytes.slice(valueStart, start + length - valueStart);
        // Slices of the store's read-only mappings are read-only already; only other buffers need the extra view.
        return value.isReadOnly() ? value : value.asReadOnlyBuffer();
    }

    private static String describeHeader(ByteBuffer bytes, int start) {
        return "type " + RecordHeader.type(bytes, start) + ", key length " + RecordHeader.keyLength(bytes, start)
                + ", value length " + Integer.toUnsignedString(RecordHeader.valueLength(bytes, start));
    }
}
