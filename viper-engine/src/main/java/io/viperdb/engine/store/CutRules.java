package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What recovery may cut off a segment's value log: recovery rules 3, 5, 8 and 9 of FORMAT.md, one method each. Where
 * a {@link SegmentReplay} meets a record it cannot take, they decide whether the data ends there, and what follows
 * is cut (or, read-only, ignored), or the store is damaged and the open fails with a {@link CorruptStoreException}
 * that names the file and the offset.
 */
final class CutRules {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final Path file;
    private final ByteBuffer data;
    private final int fileSize;
    private final boolean last;
    /** Whether the store is opened read-only: then the log lines say that nothing is cut on disk. */
    private final boolean readOnly;
    /** Where records start being checked as their hints are read: the end of the sync mark, if it holds. */
    private final long syncedEnd;

    /**
     * The rules for the value log {@code file}, whose bytes up to its end are {@code data}: the store's {@code last}
     * segment or a sealed one, whose records were on the device up to {@code syncedEnd} (the end of its sync mark,
     * or the file header's).
     */
    CutRules(Path file, ByteBuffer data, boolean last, boolean readOnly, long syncedEnd) {
        this.file = file;
        this.data = data;
        this.fileSize = data.limit();
        this.last = last;
        this.readOnly = readOnly;
        this.syncedEnd = syncedEnd;
    }

    /**
     * Whether the record a hint places at {@code [offset, offset + length)} is read and checked as its hint is read:
     * in the last segment, past the sync mark (rule 8), and not below it (rule 9).
     */
    boolean checkedAsHinted(long offset, int length) {
        return last && offset + length > syncedEnd;
    }

    /**
     * Judges the record at {@code position}, the first the replay cannot take ({@code verdict}, its
     * {@link DataRecord#inspect inspection} up to the end of the file, says why; a sound one breaks the framing of
     * batches): damage below the sync mark (rule 9), a write the
     * device lost past it (rule 8), damage in a sealed segment (rule 5), or a torn tail (rule 3). Returns if the data
     * ends at {@code position}.
     *
     * @param hinted whether a hint said a whole record starts at {@code position}, and the record failed its check
     * @param keyLogTrusted whether the key log was trusted to its end (rule 1)
     * @throws CorruptStoreException if it is damage
     */
    void endDataAt(int position, int verdict, boolean hinted, boolean keyLogTrusted) {
        neverCutBelowTheSyncMark(position, verdict);
        if (hinted) {
            endAtLostWrite(position, verdict);
            return;
        }
        neverCutASealedSegment(position, () -> whatIsWrongAt(position, verdict));
        cutTornTail(position, verdict, keyLogTrusted);
    }

    /**
     * Rule 9: below the sync mark the last segment is like a sealed one. Its records were on the device before the
     * mark was written, so one there that cannot be taken is damage, never cut as a torn or lost write.
     */
    private void neverCutBelowTheSyncMark(int position, int verdict) {
        if (position < syncedEnd) {
            throw new CorruptStoreException(file, position, whatIsWrongAt(position, verdict) + ", below offset " + syncedEnd
                    + ", up to which a sync mark says the value log was on the device whole");
        }
    }

    /**
     * Rule 8: the hinted record at {@code position}, past the sync mark, failed its check. If it looks like a write
     * that never reached the device, the data ends there, at the last sync; otherwise it is damage.
     */
    private void endAtLostWrite(int position, int verdict) {
        // Its hint says a whole record was written here, so only a lost write excuses it.
        if (!looksLikeLostWrite(position)) {
            throw new CorruptStoreException(file, position, DataRecord.describe(verdict, data, position, fileSize));
        }
        LOG.log(Level.WARNING, "The record at offset {0} of {1} never reached the disk (its hint did); the store "
                + "ends before it, at its last sync", position, file);
    }

    /**
     * Rule 5: a sealed segment was synced before any later segment existed, so what would be cut in the last segment
     * is damage in a sealed one: reported at {@code offset}, never cut.
     */
    void neverCutASealedSegment(long offset, Supplier<String> problem) {
        if (!last) {
            throw new CorruptStoreException(file, offset, problem.get());
        }
    }

    /**
     * Rule 3: what follows the last sound record of the last segment was never listed by a hint, so no flush
     * completed it: a torn append, cut off at {@code position}. If the key log was not trusted, only a partial record
     * or zeros may be cut; anything else is damage.
     */
    private void cutTornTail(int position, int verdict, boolean keyLogTrusted) {
        boolean zeros = onlyZeros(position, fileSize);
        if (!keyLogTrusted && !zeros && !RecordVerdict.isIncomplete(verdict)) {
            throw new CorruptStoreException(file, position, whatIsWrongAt(position, verdict));
        }
        if (!zeros) {
            LOG.log(Level.WARNING, "{0} {1} bytes at offset {2} of {3}, the tail of an interrupted write ({4})",
                    cutOff(), fileSize - position, position, file, whatIsWrongAt(position, verdict));
        }
    }

    /** How the log lines say what happens to data that is not kept. */
    String cutOff() {
        return readOnly ? "Ignoring (read-only, the file is left as it is)" : "Cut off";
    }

    /** Why the record at {@code position} cannot be taken: it is unsound, or a sound batch record out of place. */
    private String whatIsWrongAt(int position, int verdict) {
        return RecordVerdict.isSound(verdict) ? "a batch record out of place"
                : DataRecord.describe(verdict, data, position, fileSize);
    }

    /**
     * Whether the record whose hint says it starts at {@code start} looks like a write the device never received: a
     * header of zeros, or a 4 KiB page of it that is all zeros (file systems give unwritten blocks as zeros).
     */
    private boolean looksLikeLostWrite(int start) {
        if (onlyZeros(start, Math.min(start + RecordHeader.SIZE, fileSize))) {
            return true;
        }
        int page = 4096;
        for (int from = (start + page - 1) / page * page; from + page <= fileSize; from += page) {
            if (onlyZeros(from, from + page)) {
                return true;
            }
            if (from > start + (1 << 30)) {
                break;
            }
        }
        return false;
    }

    private boolean onlyZeros(int from, int to) {
        for (int i = from; i < to; i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
