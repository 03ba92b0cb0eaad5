package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.index.IndexFile;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.KeyReplay;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.SyncMarkFile;
import io.viperdb.engine.log.ValueLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
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
        Segment segment = open(directory, id, readOnly, appendLock, logFileSize);
        return replay(segment, SegmentReplay.From.START, FileHeader.SIZE, last, readOnly, keyDirectory, nowMillis,
                mark, marks);
    }

    /**
     * Opens the last segment the index file covers, whose logs are at least as long as it says (rule 10), and
     * replays what they hold past that (rule 11): records from the end it names on, into {@code keyDirectory}, the
     * index the file held. The records it covers were on the device when it was written, so they are treated like
     * those below a sync mark (rule 9).
     *
     * @throws CorruptStoreException if the value log does not hold, ending at the covered end, the record the index
     *     file names as the last it covers (the caller rebuilds the index from the logs instead), or if what follows is
     *     damaged
     */
    static Segment replayPastCoverage(StoreDirectory directory, IndexFile.Extent extent, boolean last,
            boolean readOnly, KeyDirectory keyDirectory, long nowMillis, Lock appendLock, long logFileSize,
            SyncMark mark, SyncMarkFile marks) {
        Segment segment = open(directory, extent.segment(), readOnly, appendLock, logFileSize);
        // The logs may have been cut after the index file was written, and have grown back past its end since: the
        // value log must still hold the record it names there.
        if (!endsWith(segment.values(), extent.lastRecord(), extent.valueLogEnd(), extent.lastRecordCrc())) {
            segment.abandon();
            throw new CorruptStoreException(segment.values().file(), Math.max(0, extent.lastRecord()),
                    "the value log does not hold, ending at offset " + extent.valueLogEnd()
                            + ", the record the index file names as the last it covers");
        }
        if (nothingPastCoverage(segment, extent)) {
            return keepAsCovered(segment, extent, last, readOnly, mark, marks);
        }
        return replay(segment, new SegmentReplay.From(extent.valueLogEnd(), extent.keyLogEnd(), extent.lastRecord()),
                extent.valueLogEnd(), last, readOnly, keyDirectory, nowMillis, mark, marks);
    }

    /**
     * Whether both logs of {@code segment} end exactly where {@code extent}, the index file's coverage of it, says:
     * then a replay past the coverage (rule 11) would read nothing, as after a clean close.
     */
    private static boolean nothingPastCoverage(Segment segment, IndexFile.Extent extent) {
        return segment.values().mappedForRecovery().limit() == extent.valueLogEnd()
                && segment.keys().end() == extent.keyLogEnd();
    }

    /**
     * Rule 11 with nothing to replay: carries out what a replay past the coverage decides when the logs end where it
     * does (see {@link #nothingPastCoverage}), without one: the key log's header is checked, the sync mark confirmed
     * if the value log holds what it names, and the segment sealed or made ready for appends, every record of it
     * kept. A replay would change nothing more; skipping it saves what a replay costs to set up, the buffers of the
     * index's updates among it (most of what is left of an open after a clean close).
     *
     * @throws CorruptStoreException if the key log's file header is damaged (the caller rebuilds the index from the
     *     logs, which rebuilds the key log)
     */
    private static Segment keepAsCovered(Segment segment, IndexFile.Extent extent, boolean last, boolean readOnly,
            SyncMark mark, SyncMarkFile marks) {
        try {
            KeyLog.Replay hints = segment.keys().replay(segment.id(), extent.keyLogEnd(), (hint, start, length, at) -> {
                throw new IllegalStateException("the key log of " + segment + " holds a hint past its end");
            });
            if (hints.outcome() == KeyLog.Outcome.NO_HEADER) {
                throw new CorruptStoreException(segment.keys().file(), 0, "the key log's file header is damaged");
            }
            confirmMark(segment, mark, marks);
            return carryOut(segment, last, readOnly, new SegmentReplay.Replayed((int) extent.valueLogEnd(), hints,
                    extent.keyLogEnd(), extent.valueLogEnd(), List.of(), extent.lastRecord()));
        } catch (RuntimeException e) {
            segment.abandon();
            throw e;
        }
    }

    /** Carries out what a replay of {@code segment} decided: read-only, its logs stop there; else it is kept. */
    private static Segment carryOut(Segment segment, boolean last, boolean readOnly, SegmentReplay.Replayed replayed) {
        if (readOnly) {
            stopAt(segment, replayed);
        } else {
            keep(segment, last, replayed);
        }
        return segment;
    }

    /**
     * Where records of the last segment start being checked (see {@link #syncedEnd}), after telling {@code marks} that
     * {@code mark} holds if the value log holds what it names.
     */
    private static long confirmMark(Segment segment, SyncMark mark, SyncMarkFile marks) {
        long syncedEnd = syncedEnd(segment, mark);
        if (mark != null && syncedEnd == mark.syncedEnd()) {
            marks.confirmed(mark);
        }
        return syncedEnd;
    }

    /**
     * Replays {@code segment} {@code from} there into {@code keyDirectory}, not checking the records below
     * {@code durableEnd} or below the sync mark, and carries out what the replay decided.
     */
    private static Segment replay(Segment segment, SegmentReplay.From from, long durableEnd, boolean last,
            boolean readOnly, KeyDirectory keyDirectory, long nowMillis, SyncMark mark, SyncMarkFile marks) {
        KeyLog keys = segment.keys();
        KeyReplay updates = null;
        try {
            long syncedEnd = confirmMark(segment, mark, marks);
            updates = new KeyReplay(keyDirectory, segment.id(), keys.end() - from.keyLogEnd());
            SegmentReplay.Replayed replayed = new SegmentReplay(segment, from, last, readOnly,
                    Math.max(syncedEnd, durableEnd), nowMillis, updates).run();
            updates.finish();
            return carryOut(segment, last, readOnly, replayed);
        } catch (RuntimeException e) {
            if (updates != null) {
                updates.abandon();
            }
            segment.abandon();
            throw e;
        }
    }

    /**
     * Opens a sealed segment that the index file covers whole (rule 10): its logs are exactly as long as the index
     * file says, so they hold what they held when it was written, and neither is read. Read-only, each log stops
     * where the index file says it ends.
     */
    static Segment openCovered(StoreDirectory directory, IndexFile.Extent extent, boolean readOnly, Lock appendLock,
            long logFileSize) {
        Segment segment = open(directory, extent.segment(), readOnly, appendLock, logFileSize);
        try {
            if (readOnly) {
                segment.values().stopAt(extent.valueLogEnd());
                segment.keys().stopAt(extent.keyLogEnd(), Long.MAX_VALUE);
            } else {
                segment.values().seal();
                segment.keys().seal();
            }
            return segment;
        } catch (RuntimeException e) {
            segment.abandon();
            throw e;
        }
    }

    /** Opens the files of segment {@code id}, for writing unless {@code readOnly}. */
    private static Segment open(StoreDirectory directory, long id, boolean readOnly, Lock appendLock,
            long logFileSize) {
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
        return new Segment(id, values, keys);
    }

    /**
     * Whether the value log holds a sound record at {@code start}, ending at {@code end}, whose checksum field is
     * {@code crc}: the record a sync mark or the index file names as the last one written. With {@code start} -1 (no
     * record), whether the data ends with the file header.
     */
    private static boolean endsWith(ValueLog values, long start, long end, int crc) {
        ByteBuffer data = values.mappedForRecovery();
        if (start < 0) {
            return end == FileHeader.SIZE;
        }
        return start < end && end <= data.limit() && DataRecord.inspect(data, (int) start, (int) end) == end - start
                && RecordHeader.storedCrc(data, (int) start) == crc;
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
        if (endsWith(segment.values(), start, mark.syncedEnd(), mark.lastRecordCrc())) {
            return mark.syncedEnd();
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
        boolean changed = !replayed.unhinted().isEmpty();
        if (hints.outcome() == KeyLog.Outcome.NO_HEADER) {
            keys.rewriteHeader(segment.id());
            changed = true;
        } else if (hints.outcome() != KeyLog.Outcome.CLEAN || replayed.keyLogEnd() != hints.soundEnd()) {
            keys.truncate(replayed.keyLogEnd());
            changed = true;
        }
        if (last || !replayed.unhinted().isEmpty()) {
            keys.resumeAppending(values);
            ByteBuffer data = values.mappedForRecovery();
            for (int start : replayed.unhinted()) {
                keys.appendFor(data, start, start);
            }
        }
        if (last) {
            // A key log that recovery left as it found it needs no sync (an open after a crash that replayed only
            // sound hints, as one from the index file usually does).
            if (changed) {
                keys.sync();
            }
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
