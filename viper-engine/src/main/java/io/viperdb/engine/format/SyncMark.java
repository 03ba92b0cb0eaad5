package io.viperdb.engine.format;

import java.nio.ByteBuffer;

/**
 * A note that the value log of one segment was forced to the device, and so holds sound records, up to an offset:
 * what lets opening skip checking those records again. It is written only after the force returned, and it names
 * the last record before that offset with its checksum, so that a mark that does not belong to the file it names (a
 * value log replaced or cut since) is recognised and ignored.
 *
 * <pre>
 * sync mark file := fileHeader(VIPS, id = 0) slot slot          slot k at offset {@value #SLOT_SPACING} * (k + 1)
 * slot           := sequence:u64 segmentId:u64 syncedEnd:u64 lastRecordOffset:u64 lastRecordCrc:u32 crc:u32
 *   sequence          grows by one with every mark written; mark n goes to slot n mod 2, so that a torn write
 *                     leaves the mark before it whole
 *   segmentId         the segment whose value log was synced
 *   syncedEnd         the end of the last record synced (a record boundary)
 *   lastRecordOffset  where that last record starts
 *   lastRecordCrc     the crc field of that record's header
 *   crc               CRC32C of the 36 bytes before it
 * </pre>
 *
 * The file is a cache, like a key log: a slot that is unsound, a file that is missing or damaged, or a mark whose
 * last record is not in the value log as described, only means that more is checked at open. The slots sit in
 * pages of their own, so that a torn page never takes both.
 *
 * @param sequence the mark's number; the highest sound one is the mark in force
 * @param segmentId the segment whose value log was synced
 * @param syncedEnd the end of the synced records
 * @param lastRecordOffset where the last synced record starts
 * @param lastRecordCrc the stored checksum of that record
 */
public record SyncMark(long sequence, long segmentId, long syncedEnd, long lastRecordOffset, int lastRecordCrc) {

    /** Where slot k starts: SLOT_SPACING * (k + 1), each in a 4 KiB page of its own. */
    public static final int SLOT_SPACING = 4096;
    public static final int SLOTS = 2;

    public static final int SEQUENCE_OFFSET = 0;
    public static final int SEGMENT_ID_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    public static final int SYNCED_END_OFFSET = SEGMENT_ID_OFFSET + Long.BYTES;
    public static final int LAST_RECORD_OFFSET_OFFSET = SYNCED_END_OFFSET + Long.BYTES;
    public static final int LAST_RECORD_CRC_OFFSET = LAST_RECORD_OFFSET_OFFSET + Long.BYTES;
    public static final int CRC_OFFSET = LAST_RECORD_CRC_OFFSET + Integer.BYTES;
    public static final int SLOT_SIZE = CRC_OFFSET + Integer.BYTES;

    /** The size of a sync mark file with both slots written. */
    public static final int FILE_SIZE = SLOT_SPACING * SLOTS + SLOT_SIZE;

    /** Where the slot that mark number {@code sequence} goes to starts in the file. */
    public static long slotPosition(long sequence) {
        return (long) SLOT_SPACING * (Math.floorMod(sequence, SLOTS) + 1);
    }

    /** The slot's bytes, ready to be written at {@link #slotPosition(long) slotPosition(sequence())}. */
    public ByteBuffer encode() {
        ByteBuffer slot = ByteBuffer.allocate(SLOT_SIZE);
        slot.putLong(SEQUENCE_OFFSET, sequence)
                .putLong(SEGMENT_ID_OFFSET, segmentId)
                .putLong(SYNCED_END_OFFSET, syncedEnd)
                .putLong(LAST_RECORD_OFFSET_OFFSET, lastRecordOffset)
                .putInt(LAST_RECORD_CRC_OFFSET, lastRecordCrc);
        slot.putInt(CRC_OFFSET, Checksums.crc32c(slot, 0, CRC_OFFSET));
        return slot;
    }

    /**
     * Reads the slot at {@code bytes[start, start + SLOT_SIZE)}.
     *
     * @return the mark, or null if the bytes are not a sound slot (never written, torn or damaged)
     */
    public static SyncMark decode(ByteBuffer bytes, int start) {
        if (bytes.limit() - start < SLOT_SIZE) {
            return null;
        }
        if (bytes.getInt(start + CRC_OFFSET) != Checksums.crc32c(bytes, start, start + CRC_OFFSET)) {
            return null;
        }
        SyncMark mark = new SyncMark(bytes.getLong(start + SEQUENCE_OFFSET), bytes.getLong(start + SEGMENT_ID_OFFSET),
                bytes.getLong(start + SYNCED_END_OFFSET), bytes.getLong(start + LAST_RECORD_OFFSET_OFFSET),
                bytes.getInt(start + LAST_RECORD_CRC_OFFSET));
        boolean plausible = mark.sequence > 0 && mark.lastRecordOffset >= FileHeader.SIZE
                && mark.lastRecordOffset + RecordHeader.SIZE <= mark.syncedEnd;
        return plausible ? mark : null;
    }
}
