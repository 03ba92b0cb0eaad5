package io.viperdb.engine.salvage;

import io.viperdb.CorruptStoreException;
import io.viperdb.SalvageReport.Damage;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.Keys;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The hints of one key log that salvage can read: every hint whose checksum passes, also past damage. Where a hint
 * fails its check, the scan resynchronises at the next offset where a sound hint starts (found byte by byte: a hint
 * is at most 4,131 bytes, so checking a candidate is cheap), and reports the range between as damaged.
 *
 * <p>Salvage uses the hints two ways: a hint that names a damaged value log record gives that record's length, so the
 * value log walk knows where the next record starts; and a hint for a record in a damaged range tells which key had
 * a record there, and of what kind (see {@link SegmentScan}). The hints are kept as their places in the mapped key
 * log; their keys are decoded only for such records.
 */
public final class HintScan {

    private final ByteBuffer bytes;
    /** Where each sound hint starts in the key log, in the order of the records they describe. */
    private final int[] starts;

    private HintScan(ByteBuffer bytes, int[] starts) {
        this.bytes = bytes;
        this.starts = starts;
    }

    /**
     * Reads the key log of segment {@code segmentId}, adding its damaged ranges to {@code damage}.
     *
     * @param tornTailAllowed whether the segment may end in an interrupted append (a partial hint, or zeros): the
     *     store's last segment. Such a tail is cut by recovery without a word, so it is not reported here either.
     */
    public static HintScan read(ReadOnlyFile keyLog, long segmentId, boolean tornTailAllowed, List<Damage> damage) {
        Path file = keyLog.path();
        ByteBuffer bytes = keyLog.bytes();
        int size = bytes.limit();
        if (!keyLog.exists()) {
            damage.add(new Damage(file, 0, 0, "the key log is missing"));
            return new HintScan(bytes, new int[0]);
        }
        if (!headerUsable(bytes, file, segmentId, damage)) {
            return new HintScan(bytes, new int[0]);
        }
        int[] starts = new int[64];
        int count = 0;
        int position = FileHeader.SIZE;
        while (position < size) {
            int length = HintRecord.inspect(bytes, position, size);
            if (length > 0) {
                if (plausibleOffset(bytes, position)) {
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, 2 * count);
                    }
                    starts[count++] = position;
                } else {
                    damage.add(new Damage(file, position, length, "a hint for offset "
                            + HintRecord.recordOffset(bytes, position) + ", outside any value log"));
                }
                position += length;
                continue;
            }
            int next = nextSoundHint(bytes, position + 1, size);
            if (next < 0 && tornTailAllowed
                    && (RecordVerdict.isIncomplete(length) || SegmentScan.onlyZeros(bytes, position, size))) {
                break; // an interrupted append, as recovery sees it
            }
            int rangeEnd = next < 0 ? size : next;
            damage.add(new Damage(file, position, rangeEnd - position, RecordVerdict.isIncomplete(length)
                    ? "a hint runs past the end of the file" : "unreadable hints (a type, length or checksum that is "
                            + "not a hint's)" + (next < 0 ? "; no sound hint follows" : "")));
            if (next < 0) {
                break;
            }
            position = next;
        }
        return new HintScan(bytes, inRecordOrder(bytes, Arrays.copyOf(starts, count)));
    }

    /**
     * Checks the file header. A damaged header does not keep the hints from being read (each has its own checksum);
     * a header that names another segment, or another format version, does.
     */
    private static boolean headerUsable(ByteBuffer bytes, Path file, long segmentId, List<Damage> damage) {
        if (bytes.limit() < FileHeader.SIZE) {
            damage.add(new Damage(file, 0, bytes.limit(), "the file is " + bytes.limit()
                    + " bytes long, shorter than the " + FileHeader.SIZE + "-byte header of a key log"));
            return false;
        }
        try {
            long id = FileHeader.decode(bytes, FileHeader.Kind.KEY_LOG, file);
            if (id != segmentId) {
                damage.add(new Damage(file, FileHeader.ID_OFFSET, Long.BYTES, "the header names segment " + id
                        + ", not segment " + segmentId + " as the file's name does; its hints are not used"));
                return false;
            }
            return true;
        } catch (CorruptStoreException e) {
            damage.add(new Damage(file, 0, FileHeader.SIZE, Problems.of(e)
                    + "; the hints after it are read all the same"));
            return true;
        } catch (UnsupportedFormatException e) {
            damage.add(new Damage(file, 0, FileHeader.SIZE, e.getMessage() + "; its hints are not used"));
            return false;
        }
    }

    /** Whether a sound hint names a place where a value log record can be. */
    private static boolean plausibleOffset(ByteBuffer bytes, int start) {
        long offset = HintRecord.recordOffset(bytes, start);
        return offset >= FileHeader.SIZE && offset + HintRecord.recordLength(bytes, start) <= Integer.MAX_VALUE;
    }

    private static int nextSoundHint(ByteBuffer bytes, int from, int size) {
        for (int position = from; size - position >= HintRecord.KEY_OFFSET; position++) {
            if (RecordVerdict.isSound(HintRecord.inspect(bytes, position, size))) {
                return position;
            }
        }
        return -1;
    }

    /**
     * The hints sorted by the offset of their records, each offset once. They are in that order already unless the
     * key log is damaged in a way no writer leaves.
     */
    private static int[] inRecordOrder(ByteBuffer bytes, int[] starts) {
        boolean sorted = true;
        for (int i = 1; i < starts.length && sorted; i++) {
            sorted = HintRecord.recordOffset(bytes, starts[i - 1]) < HintRecord.recordOffset(bytes, starts[i]);
        }
        if (sorted) {
            return starts;
        }
        int[] byOffset = IntStream.of(starts).boxed()
                .sorted(Comparator.comparingLong(start -> HintRecord.recordOffset(bytes, start)))
                .mapToInt(Integer::intValue).toArray();
        int kept = 0;
        for (int start : byOffset) {
            long offset = HintRecord.recordOffset(bytes, start);
            if (kept == 0 || HintRecord.recordOffset(bytes, byOffset[kept - 1]) != offset) {
                byOffset[kept++] = start;
            }
        }
        return Arrays.copyOf(byOffset, kept);
    }

    /** The number of sound hints. */
    int count() {
        return starts.length;
    }

    /** Where the record that hint {@code i} describes starts in the value log. */
    int recordOffset(int i) {
        return (int) HintRecord.recordOffset(bytes, starts[i]);
    }

    /** The length of the record that hint {@code i} describes. */
    int recordLength(int i) {
        return HintRecord.recordLength(bytes, starts[i]);
    }

    /** The type of the record that hint {@code i} describes (see {@link RecordHeader}). */
    byte type(int i) {
        return RecordHeader.type(bytes, starts[i]);
    }

    /** When the record that hint {@code i} describes was written. */
    long timestamp(int i) {
        return RecordHeader.timestamp(bytes, starts[i]);
    }

    /** The expiry of the record that hint {@code i} describes. */
    long expiry(int i) {
        return RecordHeader.expiry(bytes, starts[i]);
    }

    /** The key of the record that hint {@code i} describes. */
    byte[] key(int i) {
        return Keys.copy(bytes, starts[i] + HintRecord.KEY_OFFSET, RecordHeader.keyLength(bytes, starts[i]));
    }

    /** Where the record that the last sound hint describes ends; the end of the file header if there is none. */
    public long recordsEnd() {
        int last = starts.length - 1;
        return last < 0 ? FileHeader.SIZE : (long) recordOffset(last) + recordLength(last);
    }

    /** The index of the hint for the record at {@code offset}, or -1 if no sound hint names it. */
    int indexOf(long offset) {
        int i = firstAtOrAfter(offset);
        return i < starts.length && recordOffset(i) == offset ? i : -1;
    }

    /** The index of the first hint for a record at or after {@code offset}; {@link #count()} if there is none. */
    int firstAtOrAfter(long offset) {
        int low = 0;
        int high = starts.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (recordOffset(middle) < offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
