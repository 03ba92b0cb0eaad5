package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.KeyReplay;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.SyncMarkFile;
import io.viperdb.engine.log.ValueLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * Opens one segment and replays it into the key directory.
 *
 * <p>The value log holds every record; the key log is its index. Recovery reads the hints, then checks the value
 * log past the last hint, and decides by these rules:
 * <ul>
 *   <li>A hint that is unsound, or that does not start where the one before it ended, ends the key log's use; what
 *       follows is rebuilt from the value log. A missing or damaged key log is rebuilt whole.</li>
 *   <li>Records past the last hint that are sound are kept (their hints were lost to a crash) and get new hints.</li>
 *   <li>In the last segment, what follows the last sound record was never covered by a hint, so it was never
 *       flushed whole: it is a torn append and is cut off. Where the key log itself was damaged, only a partial
 *       record or zeros may be cut; anything else is reported as corruption.</li>
 *   <li>A sealed segment was synced before any later one was created, so any of these faults in it, or a hint
 *       pointing past the end of its value log, is reported as corruption.</li>
 *   <li>In the last segment, a hint pointing past the end of the value log means the value log lost its tail
 *       (the key log reached the disk first); the store keeps the records before it.</li>
 *   <li>The records of a batch apply only when its commit record is reached; a batch that the end of the data cuts
 *       short is cut off from its begin record, whole.</li>
 *   <li>In the last segment every hinted record past its {@link SyncMark sync mark} is checked as its hint is read,
 *       since the key log may have reached the disk before the values (a power loss between syncs). A record that
 *       fails its check and looks like a write that never reached the disk (a zeroed header, or a zeroed 4 KiB page)
 *       ends the data there: it and everything after it were written after the last sync. Any other failure is
 *       reported as corruption.</li>
 *   <li>Below its sync mark the last segment is like a sealed one: those records were on the device before the mark
 *       was written, so they are not checked at open, and a record there that a rebuilt key log finds unsound is
 *       reported as corruption, never cut. A mark is used only if the record it names ends where it says, with the
 *       checksum it says; otherwise the whole segment is checked.</li>
 * </ul>
 * Sealed segments are not read at open: they were synced whole, and reads and {@code verify()} check them.
 */
final class SegmentRecovery implements KeyLog.HintVisitor {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    /** A record of a batch whose commit has not been reached yet. */
    private record Pending(byte[] key, byte type, long expiry, long offset, int length) {
    }

    private final Segment segment;
    private final boolean last;
    /** Whether the store is opened read-only: what recovery would cut or rebuild on disk is ignored in memory. */
    private final boolean readOnly;
    private final KeyReplay index;
    private final long now;
    private final int dataEnd;
    /** Where records start being checked as their hints are read: the end of the sync mark, if it holds. */
    private final long checkedFrom;
    private long covered = FileHeader.SIZE;
    /** Where the last record taken starts, -1 before the first, and where it started before the open batch. */
    private long lastRecord = -1;
    private long lastRecordBeforeBatch = -1;
    private boolean valueLogShort;
    private boolean outOfStep;
    private long lostAt = -1;
    private final List<Pending> batch = new ArrayList<>();
    private long batchStart = -1;
    private long batchHintStart = -1;

    private SegmentRecovery(Segment segment, boolean last, boolean readOnly, KeyDirectory index, long now,
            SyncMark mark) {
        this.segment = segment;
        this.last = last;
        this.readOnly = readOnly;
        this.now = now;
        this.dataEnd = segment.values().mappedForRecovery().limit();
        this.checkedFrom = checkedFrom(mark);
        this.index = new KeyReplay(index, segment, segment.keys().end());
    }

    /**
     * The end of {@code mark} if the value log holds the record it names, whole, ending there, with the checksum it
     * names; otherwise the start of the data, so that every record is checked.
     */
    private long checkedFrom(SyncMark mark) {
        if (mark == null) {
            return FileHeader.SIZE;
        }
        long start = mark.lastRecordOffset();
        long end = mark.syncedEnd();
        ByteBuffer data = segment.values().mappedForRecovery();
        if (end <= dataEnd && DataRecord.check(data, (int) start, (int) end) == end - start
                && RecordHeader.storedCrc(data, (int) start) == mark.lastRecordCrc()) {
            return end;
        }
        LOG.log(Level.WARNING, "The sync mark of {0} names a record at offset {1} that its value log does not hold; "
                + "checking every record of the segment", segment.values().file(), start);
        return FileHeader.SIZE;
    }

    /**
     * Opens segment {@code id} and applies its records to {@code index} in order.
     *
     * @param last whether it is the store's last segment, which goes on taking appends
     * @param readOnly whether the store is opened read-only: the files are opened for reading, and nothing is cut,
     *     rebuilt or appended on disk; what a writable open would cut is left out of the index and never read
     * @param mark the sync mark that names this segment, or null
     * @param marks told when {@code mark} holds
     * @return the segment, sealed or (if last) ready for appends
     */
    static Segment recover(StoreDirectory directory, long id, boolean last, boolean readOnly, KeyDirectory index,
            long nowMillis, Lock appendLock, long logFileSize, SyncMark mark, SyncMarkFile marks) {
        ValueLog values = readOnly ? ValueLog.openReadOnly(directory.access(), directory.valueLog(id), id, appendLock)
                : ValueLog.open(directory.access(), directory.valueLog(id), id, appendLock, logFileSize);
        KeyLog keys;
        try {
            keys = readOnly ? KeyLog.openReadOnly(directory.access(), directory.keyLog(id))
                    : KeyLog.openForRecovery(directory.access(), directory.keyLog(id));
        } catch (RuntimeException e) {
            values.abandon();
            throw e;
        }
        Segment segment = new Segment(id, values, keys);
        SegmentRecovery recovery = null;
        try {
            recovery = new SegmentRecovery(segment, last, readOnly, index, nowMillis, mark);
            if (mark != null && recovery.checkedFrom == mark.syncedEnd()) {
                marks.confirmed(mark);
            }
            recovery.run();
            return segment;
        } catch (RuntimeException e) {
            if (recovery != null) {
                recovery.index.abandon();
            }
            segment.abandon();
            throw e;
        }
    }

    @Override
    public boolean accept(ByteBuffer bytes, int start, int length, long fileOffset) {
        long offset = HintRecord.recordOffset(bytes, start);
        int recordLength = HintRecord.recordLength(bytes, start);
        if (offset != covered) {
            outOfStep = true;
            return false;
        }
        if (offset + recordLength > dataEnd) {
            valueLogShort = true;
            return false;
        }
        if (last && offset + recordLength > checkedFrom && DataRecord.check(segment.values().mappedForRecovery(),
                (int) offset, (int) offset + recordLength) != recordLength) {
            lostAt = offset;
            return false;
        }
        if (!take(bytes, start, HintRecord.KEY_OFFSET, offset, recordLength, fileOffset)) {
            outOfStep = true;
            return false;
        }
        covered = offset + recordLength;
        return true;
    }

    /**
     * Takes the record whose header starts at {@code bytes[start]} and whose key starts {@code keyOffset} after it:
     * applies it, holds it until its batch commits, or opens or commits a batch.
     *
     * @return false if it breaks the framing of batches (a begin inside a batch, a commit outside one)
     */
    private boolean take(ByteBuffer bytes, int start, int keyOffset, long offset, int length, long hintOffset) {
        byte type = RecordHeader.type(bytes, start);
        if (type == RecordHeader.BATCH_BEGIN) {
            if (batchStart >= 0) {
                return false;
            }
            batchStart = offset;
            batchHintStart = hintOffset;
            lastRecordBeforeBatch = lastRecord;
            lastRecord = offset;
            return true;
        }
        if (type == RecordHeader.BATCH_COMMIT) {
            if (batchStart < 0) {
                return false;
            }
            batch.forEach(p -> apply(ByteBuffer.wrap(p.key()), 0, p.key().length, p.type(), p.expiry(), p.offset(),
                    p.length()));
            batch.clear();
            batchStart = -1;
            lastRecord = offset;
            return true;
        }
        int keyStart = start + keyOffset;
        int keyLength = RecordHeader.keyLength(bytes, start);
        long expiry = RecordHeader.expiry(bytes, start);
        if (batchStart >= 0) {
            byte[] key = new byte[keyLength];
            bytes.get(keyStart, key);
            batch.add(new Pending(key, type, expiry, offset, length));
        } else {
            apply(bytes, keyStart, keyLength, type, expiry, offset, length);
        }
        lastRecord = offset;
        return true;
    }

    private void apply(ByteBuffer bytes, int keyStart, int keyLength, byte type, long expiry, long offset,
            int length) {
        // A delete, or a put that has expired since, ends the key's life: whatever it had before is gone too.
        if (type == RecordHeader.DELETE || now >= expiry) {
            index.remove(bytes, keyStart, keyLength);
        } else {
            index.put(bytes, keyStart, keyLength, offset, length, expiry);
        }
    }

    /** Forgets a batch that has no commit, so that its records are read again (or cut) from its begin record. */
    private void dropOpenBatch() {
        if (batchStart >= 0) {
            lastRecord = lastRecordBeforeBatch;
        }
        batch.clear();
        batchStart = -1;
        batchHintStart = -1;
    }

    private void run() {
        ValueLog values = segment.values();
        KeyLog keys = segment.keys();
        KeyLog.Replay replay = keys.replay(segment.id(), this);
        if (valueLogShort && !last) {
            throw new CorruptStoreException(values.file(), dataEnd, "the value log of sealed segment "
                    + segment.id() + " ends at " + dataEnd + " but its key log lists records beyond that");
        }
        long keyLogEnd = replay.validEnd();
        if (batchStart >= 0) {
            // The key log ends inside a batch: read the batch again from the value log, where it may be whole.
            covered = batchStart;
            keyLogEnd = batchHintStart;
            dropOpenBatch();
        }
        boolean hintsTrusted = replay.outcome() == KeyLog.Outcome.CLEAN || replay.outcome() == KeyLog.Outcome.TORN
                || valueLogShort || lostAt >= 0;
        if (!hintsTrusted) {
            LOG.log(Level.WARNING, "Key log {0} is {1} at offset {2}; {3}",
                    keys.file(), outOfStep ? "out of step with its value log" : "damaged", replay.validEnd(),
                    readOnly ? "reading the value log instead (read-only: the file is left as it is)"
                            : "rebuilding it from the value log");
        } else if (valueLogShort) {
            LOG.log(Level.WARNING, "Value log {0} ends at {1}, before records its key log lists; the store keeps the "
                    + "records before that point", values.file(), dataEnd);
        }

        List<Integer> unhinted = new ArrayList<>();
        long hintedEnd = covered;
        int end = scanPastHints(unhinted, hintsTrusted);
        index.finish();

        if (readOnly) {
            values.stopAt(end);
            keys.stopAt(keyLogEnd, unhinted.isEmpty() ? Long.MAX_VALUE : hintedEnd);
            return;
        }
        if (last) {
            int lastCrc = lastRecord >= 0 ? RecordHeader.storedCrc(values.mappedForRecovery(), (int) lastRecord) : 0;
            values.truncate(end);
            values.resumeAppending(lastRecord, lastCrc);
        }
        if (replay.outcome() == KeyLog.Outcome.NO_HEADER) {
            keys.rewriteHeader(segment.id());
        } else if (replay.outcome() != KeyLog.Outcome.CLEAN || keyLogEnd != replay.validEnd()) {
            keys.truncate(keyLogEnd);
        }
        if (last || !unhinted.isEmpty()) {
            keys.resumeAppending(values);
            ByteBuffer data = values.mappedForRecovery();
            for (int start : unhinted) {
                keys.appendFor(data, start, start);
            }
        }
        if (last) {
            keys.sync();
        } else {
            values.seal();
            keys.seal();
        }
    }

    /**
     * Applies the sound records past the last hint, collecting their offsets, and returns where the data ends.
     *
     * @throws CorruptStoreException where what follows them cannot be explained by an interrupted append
     */
    private int scanPastHints(List<Integer> unhinted, boolean hintsTrusted) {
        ByteBuffer data = segment.values().mappedForRecovery();
        int position = (int) covered;
        int unhintedAtBatchStart = 0;
        while (position < dataEnd) {
            int length = DataRecord.check(data, position, dataEnd);
            if (length > 0 && RecordHeader.type(data, position) == RecordHeader.BATCH_BEGIN && batchStart < 0) {
                // Only a begin that opens a batch: one inside a batch is out of place, and the batch is cut from
                // its own begin, with the new hints of all its records.
                unhintedAtBatchStart = unhinted.size();
            }
            if (length < 0 || !take(data, position, RecordHeader.SIZE, position, length, -1)) {
                cutTail(data, position, length < 0 ? length : DataRecord.INVALID, hintsTrusted);
                return endBeforeOpenBatch(unhinted, unhintedAtBatchStart, position);
            }
            unhinted.add(position);
            position += length;
        }
        if (batchStart >= 0 && !last) {
            throw new CorruptStoreException(segment.values().file(), batchStart, "sealed segment " + segment.id()
                    + " ends inside a batch that has no commit record");
        }
        return endBeforeOpenBatch(unhinted, unhintedAtBatchStart, position);
    }

    /** Where the data ends once a batch without a commit is cut off whole, from its begin record. */
    private int endBeforeOpenBatch(List<Integer> unhinted, int unhintedAtBatchStart, int end) {
        if (batchStart < 0) {
            return end;
        }
        int cut = (int) batchStart;
        LOG.log(Level.WARNING, "{0} a batch without its commit record at offset {1} of {2}", cutOff(), cut,
                segment.values().file());
        unhinted.subList(unhintedAtBatchStart, unhinted.size()).clear();
        dropOpenBatch();
        return cut;
    }

    private void cutTail(ByteBuffer data, int position, int check, boolean hintsTrusted) {
        if (position < checkedFrom) {
            String problem = DataRecord.check(data, position, dataEnd) > 0 ? "a batch record out of place" : DataRecord.problem(data, position, dataEnd);
            throw new CorruptStoreException(segment.values().file(), position, problem + ", below offset "
                    + checkedFrom + ", up to which a sync mark says the value log was on the device whole");
        }
        boolean zeros = onlyZeros(data, position, dataEnd);
        boolean torn = zeros || check == DataRecord.INCOMPLETE;
        if (position == lostAt) {
            // A hinted record: its hint says a whole record was written here, so only a lost write excuses it.
            if (!looksLikeLostWrite(data, position)) {
                throw new CorruptStoreException(segment.values().file(), position,
                        DataRecord.problem(data, position, dataEnd));
            }
            LOG.log(Level.WARNING, "The record at offset {0} of {1} never reached the disk (its hint did); the store "
                    + "ends before it, at its last sync", position, segment.values().file());
            return;
        }
        if (!last || !(hintsTrusted || torn)) {
            throw new CorruptStoreException(segment.values().file(), position,
                    DataRecord.check(data, position, dataEnd) > 0 ? "a batch record out of place"
                            : DataRecord.problem(data, position, dataEnd));
        }
        if (!zeros) {
            LOG.log(Level.WARNING, "{0} {1} bytes at offset {2} of {3}, the tail of an interrupted write ({4})",
                    cutOff(), dataEnd - position, position, segment.values().file(),
                    DataRecord.problem(data, position, dataEnd));
        }
    }

    /** How the log lines say what happens to a tail that is not kept. */
    private String cutOff() {
        return readOnly ? "Ignoring (read-only, the file is left as it is)" : "Cut off";
    }

    /**
     * Whether the record whose hint says it starts at {@code start} looks like a write the device never received: a
     * header of zeros, or a 4 KiB page of it that is all zeros (file systems give unwritten blocks as zeros).
     */
    private boolean looksLikeLostWrite(ByteBuffer data, int start) {
        int headerEnd = Math.min(start + RecordHeader.SIZE, dataEnd);
        if (onlyZeros(data, start, headerEnd)) {
            return true;
        }
        int page = 4096;
        for (int from = (start + page - 1) / page * page; from + page <= dataEnd; from += page) {
            if (onlyZeros(data, from, from + page)) {
                return true;
            }
            if (from > start + (1 << 30)) {
                break;
            }
        }
        return false;
    }

    private static boolean onlyZeros(ByteBuffer data, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
