package io.viperdb.engine.store;

import io.viperdb.spi.KeyText;
import io.viperdb.CorruptStoreException;
import io.viperdb.VerifyReport;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Entry;
import io.viperdb.engine.index.Place;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Mapping;
import io.viperdb.engine.log.Segment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks every record of a {@link StoreSnapshot} without changing anything: each value log record's checksum and
 * batch framing, each hint against the record it describes, and each index entry against the record it points to;
 * and every block of the index file the index was mapped from that no read has checked yet (a damaged one is a
 * problem, and the file is deleted, as a cache of the logs that the next open rebuilds).
 *
 * <p>Each damage is one problem: an index entry that points at a record the walk of its value log already found
 * damaged adds its key to that problem ("it holds the value of key ...") rather than a second problem that repeats it.
 */
final class Verifier {

    /** A record's place, by which the index check finds a damaged record that the value log walk reported. */
    private record RecordAt(Path file, long offset) {
    }

    private final List<VerifyReport.Problem> problems = new ArrayList<>();
    /** The damaged records that the value log walks reported, with the index of each one's problem. */
    private final Map<RecordAt, Integer> damagedRecords = new HashMap<>();
    private long records;
    private long bytes;

    static VerifyReport verify(StoreSnapshot snapshot, KeyDirectory index) {
        Verifier verifier = new Verifier();
        Map<Long, StoreSnapshot.Part> parts = new HashMap<>();
        for (StoreSnapshot.Part part : snapshot.segments()) {
            verifier.segment(part);
            parts.put(part.segment().id(), part);
        }
        try {
            index.checkAll();
        } catch (CorruptStoreException e) {
            // The index file the index was mapped from is damaged, and now deleted: its entries cannot be walked.
            verifier.problem(e.file(), e.offset(), e.getMessage());
            return new VerifyReport(verifier.records, verifier.bytes, verifier.problems);
        }
        verifier.index(index, parts);
        return new VerifyReport(verifier.records, verifier.bytes, verifier.problems);
    }

    private void problem(Path file, long offset, String description) {
        problems.add(new VerifyReport.Problem(file, offset, description));
    }

    private void segment(StoreSnapshot.Part part) {
        Mapping mapping = enter(part.segment(), part.valueLogEnd());
        try {
            segment(part, mapping.buffer());
        } finally {
            mapping.exit();
        }
    }

    /**
     * Enters the mapping of a segment of the snapshot. The caller holds the reclaim lock, which a close waits for, so
     * no segment of the snapshot is released meanwhile.
     */
    private static Mapping enter(Segment segment, long end) {
        Mapping mapping = segment.values().enter(end);
        if (mapping == null) {
            throw new IllegalStateException(segment + " was released during a verify");
        }
        return mapping;
    }

    /**
     * Checks a segment's hints against the records they describe, then walks its value log record by record. At a
     * damaged record the walk goes on at the next record that a hint lists, so that one damaged record does not hide
     * the state of the rest of the file.
     */
    private void segment(StoreSnapshot.Part part, ByteBuffer data) {
        Segment segment = part.segment();
        Path valueFile = segment.values().file();
        int end = (int) part.valueLogEnd();
        try {
            FileHeader.decode(data.slice(0, Math.min(end, FileHeader.SIZE)), FileHeader.Kind.VALUE_LOG, valueFile);
        } catch (RuntimeException e) {
            problem(valueFile, 0, e.getMessage());
            return;
        }
        Hints hints = hints(segment, part.keyLogEnd(), data, end);
        int found = 0;
        long listedBelow = segment.keys().listsRecordsBelow();
        boolean inBatch = false;
        int position = FileHeader.SIZE;
        int nextHint = 0;
        while (position < end) {
            while (nextHint < hints.count && hints.recordOffsets[nextHint] < position) {
                problem(segment.keys().file(), hints.fileOffsets[nextHint], "a hint for offset "
                        + hints.recordOffsets[nextHint] + " of the value log, where no record starts");
                nextHint++;
            }
            int length = DataRecord.inspect(data, position, end);
            if (!RecordVerdict.isSound(length)) {
                int resume = hints.firstAfter(position);
                damagedRecords.put(new RecordAt(valueFile, position), problems.size());
                problem(valueFile, position, DataRecord.describe(length, data, position, end) + (resume < 0
                        ? "; no hint lists a record after it, so the rest of the file cannot be read"
                        : "; checking goes on at the next record its key log lists, at offset " + resume));
                if (resume < 0) {
                    break;
                }
                nextHint = hints.indexOf(resume);
                position = resume;
                inBatch = false;
                continue;
            }
            if (nextHint < hints.count && hints.recordOffsets[nextHint] == position) {
                nextHint++;
            }
            byte type = RecordHeader.type(data, position);
            if (type == RecordHeader.BATCH_BEGIN || type == RecordHeader.BATCH_COMMIT) {
                if (inBatch == (type == RecordHeader.BATCH_BEGIN)) {
                    problem(valueFile, position, inBatch ? "a batch begins inside a batch"
                            : "a batch commit outside a batch");
                }
                inBatch = type == RecordHeader.BATCH_BEGIN;
            }
            if (position < listedBelow) {
                found++;
            }
            records++;
            bytes += length;
            position += length;
        }
        if (inBatch) {
            problem(valueFile, end, "the value log ends inside a batch");
        }
        if (hints.outcome == KeyLog.Outcome.CLEAN && hints.count < found) {
            problem(segment.keys().file(), hints.soundEnd, "the key log lists " + hints.count
                    + " records; the value log holds " + found);
        }
    }

    /** The value log offsets of a segment's sound hints, in order, and where each hint is in the key log. */
    private static final class Hints {
        int[] recordOffsets = new int[64];
        long[] fileOffsets = new long[64];
        int count;
        KeyLog.Outcome outcome;
        long soundEnd;

        void add(int recordOffset, long fileOffset) {
            if (count == recordOffsets.length) {
                recordOffsets = Arrays.copyOf(recordOffsets, 2 * count);
                fileOffsets = Arrays.copyOf(fileOffsets, 2 * count);
            }
            recordOffsets[count] = recordOffset;
            fileOffsets[count] = fileOffset;
            count++;
        }

        /** The first hinted record offset after {@code offset}, or -1. */
        int firstAfter(int offset) {
            int i = indexOf(offset + 1);
            return i < count ? recordOffsets[i] : -1;
        }

        /** The index of the first hint at or after {@code offset}. */
        int indexOf(int offset) {
            int i = Arrays.binarySearch(recordOffsets, 0, count, offset);
            if (i < 0) {
                return -i - 1;
            }
            while (i > 0 && recordOffsets[i - 1] == offset) {
                i--;
            }
            return i;
        }
    }

    /**
     * Reads a segment's key log: each sound hint is checked against the value log record it describes, if that record
     * is sound (a damaged record is the value log walk's to report).
     */
    private Hints hints(Segment segment, long keyLogEnd, ByteBuffer data, int end) {
        Path keyFile = segment.keys().file();
        Hints hints = new Hints();
        if (keyLogEnd == 0) {
            // Opened read-only over a key log without a sound header: the index was read from the value log alone.
            hints.outcome = KeyLog.Outcome.STOPPED;
            return hints;
        }
        KeyLog.Replay replay = KeyLog.replay(keyFile, keyLogEnd, segment.id(), (hint, start, length, fileOffset) -> {
            records++;
            bytes += length;
            long offset = HintRecord.recordOffset(hint, start);
            if (offset < FileHeader.SIZE || offset >= end
                    || (hints.count > 0 && offset <= hints.recordOffsets[hints.count - 1])) {
                problem(keyFile, fileOffset, "a hint for offset " + offset + ", outside the value log or out of order");
                return true;
            }
            int record = (int) offset;
            hints.add(record, fileOffset);
            int recordLength = DataRecord.inspect(data, record, end);
            if (RecordVerdict.isSound(recordLength) && (HintRecord.recordLength(hint, start) != recordLength
                    || RecordHeader.type(hint, start) != RecordHeader.type(data, record)
                    || RecordHeader.timestamp(hint, start) != RecordHeader.timestamp(data, record)
                    || RecordHeader.expiry(hint, start) != RecordHeader.expiry(data, record))) {
                problem(keyFile, fileOffset, "the hint does not describe the value log record at offset " + record);
            }
            return true;
        });
        hints.outcome = replay.outcome();
        hints.soundEnd = replay.soundEnd();
        if (replay.outcome() == KeyLog.Outcome.NO_HEADER) {
            problem(keyFile, 0, "the key log is missing or its header is damaged");
        } else if (replay.outcome() == KeyLog.Outcome.TORN || replay.outcome() == KeyLog.Outcome.DAMAGED) {
            problem(keyFile, replay.soundEnd(), "the hint at this offset is damaged");
        }
        return hints;
    }

    /** Checks the record of every index entry among the snapshot's {@code parts} (by segment id). */
    private void index(KeyDirectory index, Map<Long, StoreSnapshot.Part> parts) {
        for (Entry entry : index.entries()) {
            Place place = entry.place();
            StoreSnapshot.Part part = parts.get(place.segment());
            if (part == null || place.end() > part.valueLogEnd()) {
                continue; // Written after the snapshot.
            }
            Segment segment = part.segment();
            Mapping mapping = enter(segment, place.end());
            try {
                DataRecord.value(mapping.buffer(), (int) place.offset(), place.length(), entry.key(),
                        segment.values().file());
            } catch (CorruptStoreException e) {
                Integer reported = damagedRecords.get(new RecordAt(e.file(), e.offset()));
                if (reported != null) {
                    VerifyReport.Problem problem = problems.get(reported);
                    problems.set(reported, new VerifyReport.Problem(problem.file(), problem.offset(),
                            problem.description() + "; it holds the value of key " + KeyText.describe(entry.key())));
                } else {
                    problem(e.file(), e.offset(), "the record of key " + KeyText.describe(entry.key()) + " in the index: "
                            + e.getMessage());
                }
            } finally {
                mapping.exit();
            }
        }
    }
}
