package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import io.viperdb.engine.index.KeyReplay;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Segment;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The replay of one segment's records into the key directory, by the recovery rules of FORMAT.md. FORMAT.md states
 * the rules and their reasons; here each is one method whose comment starts with its number: rule 1
 * {@link #takeContiguousHint}, 2 {@link #takeRecordsPastTheHints}, 4 {@link #valueLogLostItsTail}, 6
 * {@link #removesTheKey} and 7 {@link #goBackBeforeTheOpenBatch} (with {@link OpenBatch}); the rules of what may be
 * cut, 3, 5, 8 and 9, are {@link CutRules}.
 *
 * <p>The replay reads in two parts: the key log's hints, taking each record as its hint describes it, and then, from
 * where the hints stopped, the value log's records themselves, until the data ends or a record cannot be taken. Where
 * it stands is a position in both logs ({@link #valueLogEnd}, {@link #keyLogEnd}, {@link #lastRecord},
 * {@link #unhinted}) and the batch it is inside, if any; why the hints stopped is a {@link HintsStop}. The replay
 * changes no file: it returns what it decided, and {@link SegmentRecovery} carries that out.
 */
final class SegmentReplay {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    /** Why the replay stopped taking hints. */
    private enum HintsStop {
        /** Every whole hint of the key log was taken: it may end in a torn one (rule 1). */
        END_OF_KEY_LOG(null),
        /**
         * A hint does not start where the one before it ended, or its record breaks the framing of batches (rule 1).
         */
        OUT_OF_STEP("out of step with its value log"),
        /** An unsound hint with more data after it, or a file header that is missing or names another segment. */
        DAMAGED("damaged"),
        /** A hint's record ends past the end of the value log (rule 4). */
        VALUE_LOG_SHORT(null),
        /** A hinted record past the sync mark is not sound (rule 8). */
        UNSOUND_RECORD(null);

        /** How the log line says what is wrong with a key log that is not trusted, null for one that is. */
        final String distrust;

        HintsStop(String distrust) {
            this.distrust = distrust;
        }

        /**
         * Whether the key log can be trusted to list what the last flush completed, so that what the value log holds
         * past it is the tail of a write that never completed (rule 3).
         */
        boolean trusted() {
            return distrust == null;
        }
    }

    /**
     * What a replay decided about the segment's files.
     *
     * @param valueLogEnd where the value log's data ends: what follows is cut (or, read-only, ignored)
     * @param hints how the key log's replay ended
     * @param keyLogEnd where the hints that are kept end
     * @param hintedEnd where the records the kept hints list end in the value log
     * @param unhinted where the records past {@code hintedEnd} that get new hints start (rule 2)
     * @param lastRecord where the last record kept starts, -1 if none
     */
    record Replayed(int valueLogEnd, KeyLog.Replay hints, long keyLogEnd, long hintedEnd, List<Integer> unhinted,
            long lastRecord) {
    }

    /**
     * Where a replay starts: at the start of both logs, or where the index file's coverage of the segment ends (rule
     * 11), past records it need not read again.
     *
     * @param valueLogEnd where the first record to replay starts
     * @param keyLogEnd where its hint starts
     * @param lastRecord where the record before it starts, -1 if none
     */
    record From(long valueLogEnd, long keyLogEnd, long lastRecord) {

        /** The start of the segment: every record is replayed. */
        static final From START = new From(FileHeader.SIZE, FileHeader.SIZE, -1);
    }

    private final Segment segment;
    private final Path file;
    private final ByteBuffer data;
    private final int fileSize;
    /** Whether the store is opened read-only: then the log lines say that nothing is rebuilt on disk. */
    private final boolean readOnly;
    private final long now;
    private final KeyReplay updates;
    private final CutRules cuts;

    // Where the replay stands in the two logs, and the batch it is inside.
    /** The end of the last record taken: where the next must start. */
    private long valueLogEnd;
    /** The end of the last hint taken. */
    private long keyLogEnd;
    /** Where the last record taken starts, -1 before the first. */
    private long lastRecord;
    /** Where the records taken past the hints start. */
    private final List<Integer> unhinted = new ArrayList<>();
    /** The batch whose commit has not been reached yet, null outside a batch. */
    private OpenBatch batch;
    /** Why the replay stopped taking hints, null while it takes them. */
    private HintsStop hintsStop;
    /** Where the hinted record that failed its check starts (rule 8), -1 if none did. */
    private long unsoundHintedRecord = -1;

    /**
     * A replay of {@code segment} into {@code updates}, starting {@code from} there, checking records from
     * {@code syncedEnd} on as their hints are read if it is the {@code last} segment, and judging expiry by
     * {@code now}.
     */
    SegmentReplay(Segment segment, From from, boolean last, boolean readOnly, long syncedEnd, long now,
            KeyReplay updates) {
        this.segment = segment;
        this.valueLogEnd = from.valueLogEnd();
        this.keyLogEnd = from.keyLogEnd();
        this.lastRecord = from.lastRecord();
        this.file = segment.values().file();
        this.data = segment.values().mappedForRecovery();
        this.fileSize = data.limit();
        this.readOnly = readOnly;
        this.now = now;
        this.updates = updates;
        this.cuts = new CutRules(file, data, last, readOnly, syncedEnd);
    }

    /**
     * Replays the segment: gives {@code updates} every record kept, in order, and returns what is kept of each log.
     *
     * @throws CorruptStoreException where damage cannot be explained by an interrupted write
     */
    Replayed run() {
        long from = keyLogEnd;
        KeyLog.Replay hints = segment.keys().replay(segment.id(), from, this::takeContiguousHint);
        if (hints.outcome() == KeyLog.Outcome.NO_HEADER && from > FileHeader.SIZE) {
            // Rebuilding the key log would lose the hints before the start, which the replay has not read.
            throw new CorruptStoreException(segment.keys().file(), 0, "the key log's file header is damaged");
        }
        endTheHints(hints);
        long hintedEnd = valueLogEnd;
        takeRecordsPastTheHints();
        return new Replayed((int) valueLogEnd, hints, keyLogEnd, hintedEnd, unhinted, lastRecord);
    }

    /** Settles where the hints stopped, and why, once the key log's replay has ended as {@code hints} says. */
    private void endTheHints(KeyLog.Replay hints) {
        // The end of the last hint taken, or 0 if the file header was refused: nothing of that file is kept.
        keyLogEnd = hints.soundEnd();
        if (hintsStop == null) {
            hintsStop = hints.outcome() == KeyLog.Outcome.CLEAN || hints.outcome() == KeyLog.Outcome.TORN
                    ? HintsStop.END_OF_KEY_LOG : HintsStop.DAMAGED;
        }
        if (hintsStop == HintsStop.VALUE_LOG_SHORT) {
            cuts.neverCutASealedSegment(fileSize, () -> "the value log of sealed segment " + segment.id() + " ends at "
                    + fileSize + " but its key log lists records beyond that");
        }
        if (batch != null) {
            // The hints end inside a batch: read it again from the value log, where it may be whole.
            goBackBeforeTheOpenBatch();
        }
        if (!hintsStop.trusted()) {
            LOG.log(Level.WARNING, "Key log {0} is {1} at offset {2}; {3}", segment.keys().file(),
                    hintsStop.distrust, hints.soundEnd(), readOnly
                            ? "reading the value log instead (read-only: the file is left as it is)"
                            : "rebuilding it from the value log");
        } else if (hintsStop == HintsStop.VALUE_LOG_SHORT) {
            LOG.log(Level.WARNING, "Value log {0} ends at {1}, before records its key log lists; the store keeps the "
                    + "records before that point", file, fileSize);
        }
    }

    /**
     * Rule 1: takes the record that the sound hint at {@code hint[start, start + length)}, at {@code hintOffset} in the
     * key log, describes, if it starts where the record before it ended (and rules 4 and 8 do not stop the hints
     * there). The key log's replay has checked the hint; the record is read only where rule 8 says.
     *
     * @return false to stop taking hints: the first one refused ends the key log's use
     */
    private boolean takeContiguousHint(ByteBuffer hint, int start, int length, long hintOffset) {
        long offset = HintRecord.recordOffset(hint, start);
        int recordLength = HintRecord.recordLength(hint, start);
        if (offset != valueLogEnd) {
            return stopHints(HintsStop.OUT_OF_STEP);
        }
        if (valueLogLostItsTail(offset, recordLength)) {
            return stopHints(HintsStop.VALUE_LOG_SHORT);
        }
        if (cuts.checkedAsHinted(offset, recordLength)
                && DataRecord.inspect(data, (int) offset, (int) offset + recordLength) != recordLength) {
            unsoundHintedRecord = offset;
            return stopHints(HintsStop.UNSOUND_RECORD);
        }
        if (!take(hint, start, HintRecord.KEY_OFFSET, offset, recordLength)) {
            return stopHints(HintsStop.OUT_OF_STEP);
        }
        keyLogEnd = hintOffset + length;
        return true;
    }

    private boolean stopHints(HintsStop why) {
        hintsStop = why;
        return false;
    }

    /**
     * Rule 4: a hint whose record would end past the end of the value log says that the value log lost its tail
     * before the key log did. The hints stop there, and the records before it are kept (in a sealed segment this is
     * damage: rule 5).
     */
    private boolean valueLogLostItsTail(long offset, int recordLength) {
        return offset + recordLength > fileSize;
    }

    /**
     * Rule 2: takes the value log's records from where the hints stopped, checking each, until the data ends or one
     * cannot be taken (which {@link CutRules#endDataAt} judges); the records taken get new hints. A batch the data ends
     * inside is cut off whole (rule 7).
     */
    private void takeRecordsPastTheHints() {
        while (valueLogEnd < fileSize) {
            int position = (int) valueLogEnd;
            int verdict = DataRecord.inspect(data, position, fileSize);
            if (!RecordVerdict.isSound(verdict) || !take(data, position, RecordHeader.SIZE, position, verdict)) {
                cuts.endDataAt(position, verdict, position == unsoundHintedRecord, hintsStop.trusted());
                break;
            }
            unhinted.add(position);
        }
        if (batch != null) {
            cuts.neverCutASealedSegment(batch.start, () -> "sealed segment " + segment.id()
                    + " ends inside a batch that has no commit record");
            LOG.log(Level.WARNING, "{0} a batch without its commit record at offset {1} of {2}", cuts.cutOff(),
                    (int) batch.start, file);
            goBackBeforeTheOpenBatch();
        }
    }

    /**
     * Takes the record whose header is at {@code bytes[start]} and whose key starts {@code keyOffset} after it, at
     * {@code offset} in the value log: applies it, holds it until its batch commits, or opens or commits a batch.
     *
     * @return false, having taken nothing, if it breaks the framing of batches (a begin inside a batch, a commit
     *     outside one)
     */
    private boolean take(ByteBuffer bytes, int start, int keyOffset, long offset, int length) {
        byte type = RecordHeader.type(bytes, start);
        if (type == RecordHeader.BATCH_BEGIN) {
            if (batch != null) {
                return false;
            }
            batch = new OpenBatch(offset, keyLogEnd, lastRecord, unhinted.size());
        } else if (type == RecordHeader.BATCH_COMMIT) {
            if (batch == null) {
                return false;
            }
            for (OpenBatch.Held record : batch.held()) {
                apply(ByteBuffer.wrap(record.key()), 0, record.key().length, record.type(), record.expiry(),
                        record.offset(), record.length());
            }
            batch = null;
        } else if (batch != null) {
            batch.hold(bytes, start + keyOffset, RecordHeader.keyLength(bytes, start), type,
                    RecordHeader.expiry(bytes, start), offset, length);
        } else {
            apply(bytes, start + keyOffset, RecordHeader.keyLength(bytes, start), type,
                    RecordHeader.expiry(bytes, start), offset, length);
        }
        lastRecord = offset;
        valueLogEnd = offset + length;
        return true;
    }

    private void apply(ByteBuffer bytes, int keyStart, int keyLength, byte type, long expiry, long offset,
            int length) {
        if (removesTheKey(type, expiry)) {
            updates.remove(bytes, keyStart, keyLength);
        } else {
            updates.put(bytes, keyStart, keyLength, offset, length, expiry);
        }
    }

    /**
     * Rule 6: whether a record ends its key's life, taking whatever value the key had before with it: a delete, or a
     * put whose expiry has passed.
     */
    private boolean removesTheKey(byte type, long expiry) {
        return type == RecordHeader.DELETE || now >= expiry;
    }

    /**
     * Rule 7: goes back to where the replay stood before the begin record of the batch it is inside. The records of a
     * batch apply only at its commit; one that the hints end inside is then read again from the value log, and one
     * that the data ends inside is cut off whole, from its begin record.
     */
    private void goBackBeforeTheOpenBatch() {
        valueLogEnd = batch.start;
        keyLogEnd = batch.keyLogEnd;
        lastRecord = batch.lastRecordBefore;
        unhinted.subList(batch.unhintedBefore, unhinted.size()).clear();
        batch = null;
    }
}
