package io.viperdb.engine.salvage;

import io.viperdb.CorruptStoreException;
import io.viperdb.SalvageReport.Damage;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Salvage's walk through the value log of one segment: every record whose check passes is taken, every damaged range
 * is skipped and reported, and the records the key log lists in a damaged range are handed on as lost.
 *
 * <p>The walk starts after the 20-byte file header, also when the header is damaged (that is reported). At a record
 * that fails its check ({@link DataRecord#inspect}) a damaged range starts; it ends where the next sound record starts,
 * found by resynchronising:
 * <ul>
 *   <li>if a sound hint names the failed record, it gives the record's length, and the next record starts after it
 *       (where none could be found inside the damaged record's bytes, as a byte scan could: a value may hold the bytes
 *       of a record);</li>
 *   <li>otherwise the nearer of the next record a hint names that passes its check, and the first offset, byte by
 *       byte, where a record passes its check (a cheap test of the header first: type, lengths within the limits and
 *       the file; then the checksum).</li>
 * </ul>
 * With no sound record after it, the range runs to the end of the file, and past it as far as the key log lists
 * records.
 *
 * <p>The records apply as recovery applies them (FORMAT.md, rules 6 and 7): a batch's records at its commit. Where
 * salvage differs it keeps what damage did not hit:
 * <ul>
 *   <li>A damaged range inside a batch, followed by sound records, ends the batch: its sound records before the
 *       range apply (the range is reported with the batch), those after it apply one by one, and the commit that
 *       follows is ignored.</li>
 *   <li>A batch without a commit at the end of the data of a segment that may end in an interrupted write (the last
 *       one) is such a write: it is dropped whole, as recovery drops it, unless the key log lists its commit in the
 *       damaged range that ends the data. In any other segment its sound records are kept.</li>
 *   <li>Zeros from the last sound record to the end of such a segment are an interrupted write too (space the store
 *       extends ahead of its data, or writes that never reached the device): not damage, unless the key log lists
 *       records there.</li>
 * </ul>
 */
public final class SegmentScan {

    /**
     * Candidates from the byte scan longer than this are checked only when a record header, zeros or the end of the
     * file follows them: the checksum of a long candidate costs as much as its length, and in a large damaged range of
     * random bytes one offset in a few thousand looks like the start of a record.
     */
    private static final int LONG_CANDIDATE = 1 << 20;

    private final Path file;
    private final ByteBuffer data;
    private final int end;
    private final HintScan hints;
    private final boolean tornTailAllowed;
    private final int rank;
    private final LatestRecords latest;
    private final List<Damage> damage;
    private long recordsRead;
    /** Where the last record that passed its check ends. */
    private int soundEnd = FileHeader.SIZE;
    /** The batch whose commit has not been read yet, or null. */
    private OpenBatch batch;
    /** Whether a damaged range was met in this segment, after which the rest of a batch may follow its begin's loss. */
    private boolean damageSeen;

    /** A batch being read: where it begins, and its put and delete records so far. */
    private static final class OpenBatch {
        final int start;
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        int count;

        OpenBatch(int start) {
            this.start = start;
        }

        void add(int offset, int length) {
            if (count == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, 2 * count);
                lengths = java.util.Arrays.copyOf(lengths, 2 * count);
            }
            offsets[count] = offset;
            lengths[count] = length;
            count++;
        }
    }

    private SegmentScan(ReadOnlyFile values, HintScan hints, boolean tornTailAllowed, int rank, LatestRecords latest,
            List<Damage> damage) {
        this.file = values.path();
        this.data = values.bytes();
        this.end = data.limit();
        this.hints = hints;
        this.tornTailAllowed = tornTailAllowed;
        this.rank = rank;
        this.latest = latest;
        this.damage = damage;
    }

    /**
     * Walks the value log {@code values} of segment {@code segmentId}, giving its records to {@code latest} as the
     * records of rank {@code rank}, and adding its damaged ranges to {@code damage}.
     *
     * @param tornTailAllowed whether the segment may end in an interrupted write (the store's last segment)
     * @return what was read
     * @throws io.viperdb.UnsupportedFormatException if the value log is of another format version
     */
    public static Scanned scan(ReadOnlyFile values, long segmentId, HintScan hints, boolean tornTailAllowed, int rank,
            LatestRecords latest, List<Damage> damage) {
        SegmentScan scan = new SegmentScan(values, hints, tornTailAllowed, rank, latest, damage);
        if (!values.exists()) {
            scan.damageToTheEnd(0, "the value log is missing");
        } else {
            if (values.unmappedBytes() > 0) {
                damage.add(new Damage(values.path(), scan.end, values.unmappedBytes(), "past the largest size a "
                        + "value log can have (2 GiB - 1 byte); not read"));
            }
            scan.walk(scan.header(segmentId));
        }
        return new Scanned(scan.recordsRead, scan.soundEnd);
    }

    /**
     * What a scan read.
     *
     * @param recordsRead the records that passed their check
     * @param soundEnd where the last of them ends
     */
    public record Scanned(long recordsRead, int soundEnd) {
    }

    /** Checks the file header, reporting it if damaged, and returns where the records start. */
    private int header(long segmentId) {
        if (end < FileHeader.SIZE) {
            damage.add(new Damage(file, 0, end, "the file is " + end + " bytes long, shorter than the "
                    + FileHeader.SIZE + "-byte header of a value log"));
            return end;
        }
        try {
            long id = FileHeader.decode(data, FileHeader.Kind.VALUE_LOG, file);
            if (id != segmentId) {
                damage.add(new Damage(file, FileHeader.ID_OFFSET, Long.BYTES, "the header names segment " + id
                        + ", not segment " + segmentId + " as the file's name does; its records are read all the "
                        + "same"));
            }
        } catch (CorruptStoreException e) {
            damage.add(new Damage(file, 0, FileHeader.SIZE, Problems.of(e)
                    + "; the records after it are read all the same"));
        }
        return FileHeader.SIZE;
    }

    private void walk(int start) {
        int position = start;
        while (position < end) {
            int length = DataRecord.inspect(data, position, end);
            if (RecordVerdict.isSound(length)) {
                take(position, length);
                position += length;
                soundEnd = position;
                continue;
            }
            if (tornTailAllowed && onlyZeros(data, position, end)) {
                endOfData(position, "zeros where the key log lists records: writes lost before they reached the "
                        + "device, or damage");
                return;
            }
            String problem = DataRecord.describe(length, data, position, end);
            int next = nextSoundRecord(position);
            if (next < 0) {
                damageToTheEnd(position, problem + "; no sound record follows it" + (tornTailAllowed
                        ? " (the tail of an interrupted write, which opening the store cuts off, or damage)" : ""));
                return;
            }
            damaged(position, next, problem);
            position = next;
        }
        endOfData(end, "the value log ends at offset " + end + ", but its key log lists records beyond");
    }

    /** Takes a record that passed its check: applies it, holds it for its batch, or opens or commits a batch. */
    private void take(int offset, int length) {
        recordsRead++;
        byte type = RecordHeader.type(data, offset);
        if (type == RecordHeader.BATCH_BEGIN) {
            if (batch != null) {
                damage.add(new Damage(file, offset, 0, "a batch begins inside the batch begun at offset "
                        + batch.start + ", which has no commit record; " + keepBatch()));
            }
            batch = new OpenBatch(offset);
        } else if (type == RecordHeader.BATCH_COMMIT) {
            if (batch != null) {
                applyBatch();
            } else if (!damageSeen) {
                // After a damaged range this ends a batch whose begin the range held or cut off: the range is reported.
                damage.add(new Damage(file, offset, 0, "a batch commit record outside a batch"));
            }
        } else if (batch != null) {
            batch.add(offset, length);
        } else {
            latest.record(rank, data, offset, length);
        }
    }

    private void applyBatch() {
        for (int i = 0; i < batch.count; i++) {
            latest.record(rank, data, batch.offsets[i], batch.lengths[i]);
        }
        batch = null;
    }

    /** Applies the open batch although its commit was not read, and says so. */
    private String keepBatch() {
        String kept = "the batch's " + records(batch.count) + " before it " + (batch.count == 1 ? "is" : "are")
                + " kept";
        applyBatch();
        return kept;
    }

    /** A damaged range {@code [start, next)}, with the sound record at {@code next} after it. */
    private void damaged(int start, int next, String problem) {
        StringBuilder text = new StringBuilder(problem);
        if (batch != null) {
            text.append("; it interrupts the batch begun at offset ").append(batch.start).append(": ")
                    .append(keepBatch());
        }
        damageSeen = true;
        int listed = lostFromHints(start, next);
        if (listed > 0) {
            text.append("; its key log lists ").append(records(listed)).append(" in it");
        }
        damage.add(new Damage(file, start, next - start, text.toString()));
    }

    /**
     * A damaged range from {@code start} with no sound record after it: to the end of the file, or further, to the end
     * of the last record the key log lists.
     */
    private void damageToTheEnd(int start, String problem) {
        StringBuilder text = new StringBuilder(problem);
        long rangeEnd = Math.max(end, hintedEnd(start));
        boolean keepListed = true;
        if (batch != null) {
            text.append("; it ends the data inside the batch begun at offset ").append(batch.start);
            if (!tornTailAllowed || commitListed(start)) {
                text.append(tornTailAllowed ? ", whose commit the key log lists in it: " : ": ").append(keepBatch());
            } else {
                // No commit was written, so the records the key log lists here are the batch's, dropped with it. (Were
                // the commit's hint and every later batch marker's damaged too, a later record listed here would be
                // taken for the batch's: its key keeps the value before it.)
                text.append(", whose commit was never written: an interrupted write, dropped whole as opening the "
                        + "store drops it");
                batch = null;
                keepListed = false;
            }
        }
        damageSeen = true;
        int listed = keepListed ? lostFromHints(start, rangeEnd) : 0;
        if (listed > 0) {
            text.append("; its key log lists ").append(records(listed)).append(" in it");
        }
        damage.add(new Damage(file, start, rangeEnd - start, text.toString()));
    }

    /**
     * The end of the data at {@code soundEnd}, after the last sound record, with nothing or zeros after it. Records the
     * key log lists past it were lost ({@code problem} says how); a batch left open there is an interrupted write.
     */
    private void endOfData(int soundEnd, String problem) {
        if (hintedEnd(soundEnd) > soundEnd) {
            damageToTheEnd(soundEnd, problem);
            return;
        }
        if (batch == null) {
            return;
        }
        if (tornTailAllowed) {
            damage.add(new Damage(file, batch.start, soundEnd - batch.start, "a batch without its commit record at "
                    + "the end of the data: an interrupted write, dropped whole as opening the store drops it"));
            batch = null;
        } else {
            damage.add(new Damage(file, soundEnd, 0, "the value log ends inside the batch begun at offset "
                    + batch.start + ", without its commit record; " + keepBatch()));
        }
    }

    /**
     * Hands the put and delete records that sound hints list in {@code [from, to)} to {@link LatestRecords#lost}.
     *
     * @return how many there were
     */
    private int lostFromHints(long from, long to) {
        int listed = 0;
        for (int i = hints.firstAtOrAfter(from); i < hints.count() && hints.recordOffset(i) < to; i++) {
            byte type = hints.type(i);
            if (type == RecordHeader.PUT || type == RecordHeader.DELETE) {
                latest.lost(rank, hints, i);
                listed++;
            }
        }
        return listed;
    }

    /** Where the last record that a sound hint lists at or after {@code from} ends; {@code from} if there is none. */
    private long hintedEnd(long from) {
        int count = hints.count();
        if (count == 0 || hints.recordOffset(count - 1) < from) {
            return from;
        }
        return (long) hints.recordOffset(count - 1) + hints.recordLength(count - 1);
    }

    /**
     * Whether the key log shows that the open batch's commit record was written, in the damaged range from
     * {@code from}: a sound hint there of a commit, or of a later batch's begin, which no writer appends before the
     * commit of the batch before it.
     */
    private boolean commitListed(long from) {
        for (int i = hints.firstAtOrAfter(from); i < hints.count(); i++) {
            byte type = hints.type(i);
            if (type == RecordHeader.BATCH_COMMIT || type == RecordHeader.BATCH_BEGIN) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the first sound record after the one that failed at {@code failed} starts, or -1 if there is none.
     * See the class comment for the order in which candidates are taken.
     */
    private int nextSoundRecord(int failed) {
        int position = failed;
        for (int i = hints.indexOf(position); i >= 0; i = hints.indexOf(position)) {
            long after = (long) position + hints.recordLength(i);
            if (after >= end) {
                return -1;
            }
            if (RecordVerdict.isSound(DataRecord.inspect(data, (int) after, end))) {
                return (int) after;
            }
            position = (int) after; // damaged too; its own hint may tell its length
        }
        int hinted = nextSoundHinted(position);
        int scanned = scan(position + 1, hinted < 0 ? end : hinted);
        return scanned >= 0 ? scanned : hinted;
    }

    /** The first record after {@code position} that a sound hint names and that passes its check, or -1. */
    private int nextSoundHinted(int position) {
        for (int i = hints.firstAtOrAfter(position + 1L); i < hints.count(); i++) {
            int offset = hints.recordOffset(i);
            if (offset < end && RecordVerdict.isSound(DataRecord.inspect(data, offset, end))) {
                return offset;
            }
        }
        return -1;
    }

    /** The first offset in {@code [from, to)} where a record passes its check, byte by byte, or -1. */
    private int scan(int from, int to) {
        for (int position = from; position < to && end - position >= RecordHeader.SIZE; position++) {
            byte type = RecordHeader.type(data, position);
            if (type < RecordHeader.PUT || type > RecordHeader.BATCH_COMMIT) {
                continue; // the test that most bytes fail, first
            }
            int valueLength = RecordHeader.valueLength(data, position);
            if (valueLength < 0) {
                continue;
            }
            long length = (long) DataRecord.length(RecordHeader.keyLength(data, position), valueLength);
            if (length > end - position
                    || (length > LONG_CANDIDATE && !recordOrNothingAt((int) (position + length)))) {
                continue;
            }
            if (RecordVerdict.isSound(DataRecord.inspect(data, position, end))) {
                return position;
            }
        }
        return -1;
    }

    /** Whether {@code offset} is the end of the file, or holds what can follow a record: a header, or zeros. */
    private boolean recordOrNothingAt(int offset) {
        if (end - offset < RecordHeader.SIZE) {
            return true;
        }
        byte type = RecordHeader.type(data, offset);
        return type >= RecordHeader.PUT && type <= RecordHeader.BATCH_COMMIT
                || onlyZeros(data, offset, offset + RecordHeader.SIZE);
    }

    private static String records(int count) {
        return count + (count == 1 ? " record" : " records");
    }

    /** Whether {@code bytes[from, to)} are all zeros. */
    static boolean onlyZeros(ByteBuffer bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
