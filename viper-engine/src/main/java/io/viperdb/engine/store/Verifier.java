package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.VerifyReport;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Location;
import io.viperdb.engine.log.KeyLog;
import io.viperdb.engine.log.Mapping;
import io.viperdb.engine.log.Segment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks every record of a {@link StoreSnapshot} without changing anything: each value log record's checksum and
 * batch framing, each hint against the record it describes, and each index entry against the record it points to.
 */
final class Verifier {

    private final List<VerifyReport.Problem> problems = new ArrayList<>();
    private long records;
    private long bytes;

    static VerifyReport verify(StoreSnapshot snapshot, KeyDirectory index) {
        Verifier verifier = new Verifier();
        Map<Segment, Long> ends = new IdentityHashMap<>();
        for (StoreSnapshot.Part part : snapshot.segments()) {
            verifier.segment(part);
            ends.put(part.segment(), part.valueEnd());
        }
        verifier.index(index, ends);
        return new VerifyReport(verifier.records, verifier.bytes, verifier.problems);
    }

    private void problem(Path file, long offset, String description) {
        problems.add(new VerifyReport.Problem(file, offset, description));
    }

    private void segment(StoreSnapshot.Part part) {
        Mapping mapping = enter(part.segment(), part.valueEnd());
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

    private void segment(StoreSnapshot.Part part, ByteBuffer data) {
        Segment segment = part.segment();
        Path valueFile = segment.values().file();
        int end = (int) part.valueEnd();
        try {
            FileHeader.decode(data.slice(0, Math.min(end, FileHeader.SIZE)), FileHeader.Kind.VALUE_LOG, valueFile);
        } catch (RuntimeException e) {
            problem(valueFile, 0, e.getMessage());
            return;
        }
        List<Integer> starts = new ArrayList<>();
        boolean inBatch = false;
        int position = FileHeader.SIZE;
        while (position < end) {
            int length = DataRecord.check(data, position, end);
            if (length < 0) {
                problem(valueFile, position, DataRecord.problem(data, position, end)
                        + "; the rest of the file cannot be read");
                break;
            }
            byte type = RecordHeader.type(data, position);
            if (type == RecordHeader.BATCH_BEGIN || type == RecordHeader.BATCH_COMMIT) {
                if (inBatch == (type == RecordHeader.BATCH_BEGIN)) {
                    problem(valueFile, position, inBatch ? "a batch begins inside a batch" : "a batch commit outside a batch");
                }
                inBatch = type == RecordHeader.BATCH_BEGIN;
            }
            starts.add(position);
            records++;
            bytes += length;
            position += length;
        }
        if (inBatch) {
            problem(valueFile, end, "the value log ends inside a batch");
        }
        hints(segment, part.keyEnd(), data, starts);
    }

    private void hints(Segment segment, long keyEnd, ByteBuffer data, List<Integer> starts) {
        Path keyFile = segment.keys().file();
        int[] next = {0};
        KeyLog.Replay replay = KeyLog.replay(keyFile, keyEnd, segment.id(), (hint, start, length, fileOffset) -> {
            records++;
            bytes += length;
            int i = next[0]++;
            if (i >= starts.size()) {
                problem(keyFile, fileOffset, "a hint for a record past the end of the value log");
                return false;
            }
            int record = starts.get(i);
            if (HintRecord.recordOffset(hint, start) != record
                    || HintRecord.recordLength(hint, start) != DataRecord.check(data, record, data.limit())
                    || RecordHeader.type(hint, start) != RecordHeader.type(data, record)
                    || RecordHeader.timestamp(hint, start) != RecordHeader.timestamp(data, record)
                    || RecordHeader.expiry(hint, start) != RecordHeader.expiry(data, record)) {
                problem(keyFile, fileOffset, "the hint does not describe value log record " + i + " at offset "
                        + record);
                return false;
            }
            return true;
        });
        if (replay.outcome() == KeyLog.Outcome.NO_HEADER) {
            problem(keyFile, 0, "the key log is missing or its header is damaged");
        } else if (replay.outcome() == KeyLog.Outcome.TORN || replay.outcome() == KeyLog.Outcome.DAMAGED) {
            problem(keyFile, replay.validEnd(), "the hint at this offset is damaged");
        } else if (replay.outcome() == KeyLog.Outcome.CLEAN && next[0] < starts.size()) {
            problem(keyFile, replay.validEnd(), "the key log lists " + next[0] + " records; the value log holds "
                    + starts.size());
        }
    }

    private void index(KeyDirectory index, Map<Segment, Long> ends) {
        for (Map.Entry<String, Location> entry : index.entries()) {
            Location location = entry.getValue();
            Long end = ends.get(location.segment());
            if (end == null || location.end() > end) {
                continue; // Written after the snapshot.
            }
            Mapping mapping = enter(location.segment(), location.end());
            try {
                DataRecord.value(mapping.buffer(), (int) location.offset(), location.length(), entry.getKey(),
                        location.segment().values().file());
            } catch (CorruptStoreException e) {
                problem(e.file(), e.offset(), "the record of key \"" + entry.getKey() + "\" in the index: "
                        + e.getMessage());
            } finally {
                mapping.exit();
            }
        }
    }
}
