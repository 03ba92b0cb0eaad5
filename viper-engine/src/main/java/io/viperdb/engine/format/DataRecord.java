package io.viperdb.engine.format;

import io.viperdb.CorruptStoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

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

    /** {@link #check} result: the record runs past the end of the readable bytes (a torn append). */
    public static final int INCOMPLETE = -1;
    /** {@link #check} result: the bytes are not a record (bad type, lengths or checksum). */
    public static final int INVALID = -2;

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
        CRC32C crc = new CRC32C();
        crc.update(header.slice(RecordHeader.TYPE_OFFSET, RecordHeader.SIZE - RecordHeader.TYPE_OFFSET));
        crc.update(key);
        crc.update(value);
        header.putInt(RecordHeader.CRC_OFFSET, (int) crc.getValue());
    }

    /**
     * Checks the record that starts at {@code start}, reading no further than {@code limit}.
     *
     * @return the record's length if it is whole and sound; {@link #INCOMPLETE} if its header or its declared length
     *     runs past {@code limit}; {@link #INVALID} otherwise
     */
    public static int check(ByteBuffer bytes, int start, int limit) {
        if (limit - start < RecordHeader.SIZE) {
            return INCOMPLETE;
        }
        if (RecordHeader.implausibility(bytes, start) != null) {
            return INVALID;
        }
        long length = (long) length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start));
        if (length > limit - start) {
            return INCOMPLETE;
        }
        int end = start + (int) length;
        if (RecordHeader.storedCrc(bytes, start) != Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, end)) {
            return INVALID;
        }
        return (int) length;
    }

    /** Says why {@link #check} did not accept the record at {@code start}, for an error message or a log line. */
    public static String problem(ByteBuffer bytes, int start, int limit) {
        if (limit - start < RecordHeader.SIZE) {
            return "a record header needs " + RecordHeader.SIZE + " bytes but only " + (limit - start) + " remain";
        }
        String implausibility = RecordHeader.implausibility(bytes, start);
        if (implausibility != null) {
            return implausibility;
        }
        long length = (long) length(RecordHeader.keyLength(bytes, start), RecordHeader.valueLength(bytes, start));
        if (length > limit - start) {
            return "a record of " + length + " bytes runs past the end of the data at offset " + limit;
        }
        int stored = RecordHeader.storedCrc(bytes, start);
        int computed = Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + (int) length);
        return stored == computed ? "no problem"
                : String.format("record checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed);
    }

    /**
     * Returns the value of the put record of {@code key} that the index places at {@code start} with
     * {@code length}, after checking its header, checksum and key: a read-only view of the stored bytes.
     *
     * @throws CorruptStoreException naming {@code file} and the offset if any check fails
     */
    public static ByteBuffer value(ByteBuffer bytes, int start, int length, byte[] key, Path file) {
        int keyLength = RecordHeader.keyLength(bytes, start);
        int valueLength = RecordHeader.valueLength(bytes, start);
        if (RecordHeader.type(bytes, start) != RecordHeader.PUT || valueLength < 0
                || length(keyLength, valueLength) != length) {
            throw new CorruptStoreException(file, start, "expected a put record of " + length
                    + " bytes, found a record header that says otherwise ("
                    + describeHeader(bytes, start) + ")");
        }
        int stored = RecordHeader.storedCrc(bytes, start);
        int computed = Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + length);
        if (stored != computed) {
            throw new CorruptStoreException(file, start, String.format(
                    "record checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
        }
        int keyStart = start + RecordHeader.SIZE;
        if (!Keys.matches(key, bytes, keyStart, keyLength)) {
            throw new CorruptStoreException(file, start, "the record holds key \""
                    + Keys.decode(bytes, keyStart, keyLength) + "\", not the key \""
                    + new String(key, StandardCharsets.UTF_8) + "\" that was read");
        }
        ByteBuffer value = bytes.slice(keyStart + keyLength, valueLength);
        // Slices of the store's read-only mappings are read-only already; only other buffers need the extra view.
        return value.isReadOnly() ? value : value.asReadOnlyBuffer();
    }

    /**
     * Returns the value of the record at {@code start} if it is a sound put record of {@code key} of {@code length}
     * bytes (the checks of {@link #value}), or null if it is not, for whatever reason; throws nothing. For a read that
     * does not know yet whether the record is meant to be {@code key}'s: a record of another key is no damage.
     */
    public static ByteBuffer valueIfSound(ByteBuffer bytes, int start, int length, byte[] key) {
        int keyLength = RecordHeader.keyLength(bytes, start);
        int valueLength = RecordHeader.valueLength(bytes, start);
        if (RecordHeader.type(bytes, start) != RecordHeader.PUT || valueLength < 0
                || length(keyLength, valueLength) != length) {
            return null;
        }
        int keyStart = start + RecordHeader.SIZE;
        // The key before the checksum: another key's record is then told apart without a pass over its value.
        if (!Keys.matches(key, bytes, keyStart, keyLength)
                || RecordHeader.storedCrc(bytes, start)
                        != Checksums.crc32c(bytes, start + RecordHeader.TYPE_OFFSET, start + length)) {
            return null;
        }
        ByteBuffer value = bytes.slice(keyStart + keyLength, valueLength);
        return value.isReadOnly() ? value : value.asReadOnlyBuffer();
    }

    private static String describeHeader(ByteBuffer bytes, int start) {
        return "type " + RecordHeader.type(bytes, start) + ", key length " + RecordHeader.keyLength(bytes, start)
                + ", value length " + Integer.toUnsignedString(RecordHeader.valueLength(bytes, start));
    }
}
