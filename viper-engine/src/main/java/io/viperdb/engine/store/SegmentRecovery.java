package io.viperdb.engine.store;

import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
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
import java.util.concurrent.locks.Lock;

/**
 * Opens one segment and replays it into the key directory, by the recovery rules of FORMAT.md ("Recovery rules",
 * and "Read-only opening" for a store opened read-only). A {@link SegmentReplay} decides, rule by rule, what is kept
 * of each log; this class opens the files, tells the replay where the sync mark lets it stop checking records, and
 * carries out what it decided: cuts the value log, cuts or rewrites the key log and appends the new hints, then seals
 * the segment or makes it ready for appends. Read-only, it only stops each file where the replay ended, in memory.
 */
final class SegmentRecovery {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private SegmentRecovery() {
    }

    /**
     * Opens segment {@code id} and applies its records to {@code keyDirectory} in order.
     *
     * @param last whether it is the store's last segment, which goes on taking appends
     * @param readOnly whether the store is opened read-only: the files are opened for reading, and nothing is cut,
     *     rebuilt or appended on disk; what a writable open would cut is left out of the index and never read
     * @param mark the sync mark that names this segment, or null
     * @param marks told when {@code mark} holds
     * @return the segment, sealed or (if last) ready for appends
     */
    static Segment recover(StoreDirectory directory, long id, boolean last, boolean readOnly,
            KeyDirectory keyDirectory, long nowMillis, Lock appendLock, long logFileSize, SyncMark mark,
            SyncMarkFile marks) {
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
        KeyReplay updates = null;
        try {
            long syncedEnd = syncedEnd(segment, mark);
            updates = new KeyReplay(keyDirectory, segment, keys.end());
            if (mark != null && syncedEnd == mark.syncedEnd()) {
                marks.confirmed(mark);
            }
            SegmentReplay.Replayed replayed = new SegmentReplay(segment, last, readOnly, syncedEnd, nowMillis,
                    updates).run();
            updates.finish();
            if (readOnly) {
                stopAt(segment, replayed);
            } else {
                keep(segment, last, replayed);
            }
            return segment;
        } catch (RuntimeException e) {
            if (updates != null) {
                updates.abandon();
            }
            segment.abandon();
            throw e;
        }
    }

    /**
     * Where records of the last segment start being checked as their hints are read: the end of {@code mark} if the
     * value log holds the record it names, whole, ending there, with the checksum it names; otherwise the start of the
     * data, so that every record is checked.
     */
    private static long syncedEnd(Segment segment, SyncMark mark) {
        if (mark == null) {
            return FileHeader.SIZE;
        }
        long start = mark.lastRecordOffset();
        long end = mark.syncedEnd();
        ByteBuffer data = segment.values().mappedForRecovery();
        if (end <= data.limit() && DataRecord.inspect(data, (int) start, (int) end) == end - start
                && RecordHeader.storedCrc(data, (int) start) == mark.lastRecordCrc()) {
            return end;
        }
        LOG.log(Level.WARNING, "The sync mark of {0} names a record at offset {1} that its value log does not hold; "
                + "checking every record of the segment", segment.values().file(), start);
        return FileHeader.SIZE;
    }

    /**
     * Carries out on disk what the replay decided: cuts the value log where its data ends, cuts the key log where the
     * hints kept end (or gives it a new header), appends hints for the records past them, and seals the segment or,
     * if it is the last, makes it ready for appends.
     */
    private static void keep(Segment segment, boolean last, SegmentReplay.Replayed replayed) {
        ValueLog values = segment.values();
        KeyLog keys = segment.keys();
        if (last) {
            long lastRecord = replayed.lastRecord();
            int lastCrc = lastRecord >= 0 ? RecordHeader.storedCrc(values.mappedForRecovery(), (int) lastRecord) : 0;
            values.truncate(replayed.valueLogEnd());
            values.resumeAppending(lastRecord, lastCrc);
        }
        KeyLog.Replay hints = replayed.hints();
        if (hints.outcome() == KeyLog.Outcome.NO_HEADER) {
            keys.rewriteHeader(segment.id());
        } else if (hints.outcome() != KeyLog.Outcome.CLEAN || replayed.keyLogEnd() != hints.soundEnd()) {
            keys.truncate(replayed.keyLogEnd());
        }
        if (last || !replayed.unhinted().isEmpty()) {
            keys.resumeAppending(values);
            ByteBuffer data = values.mappedForRecovery();
            for (int start : replayed.unhinted()) {
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
     * For a store opened read-only: stops each log where the replay ended, changing no file. The key log is noted
     * to list only the records before those the replay found past its hints.
     */
    private static void stopAt(Segment segment, SegmentReplay.Replayed replayed) {
        segment.values().stopAt(replayed.valueLogEnd());
        segment.keys().stopAt(replayed.keyLogEnd(),
                replayed.unhinted().isEmpty() ? Long.MAX_VALUE : replayed.hintedEnd());
    }
}
