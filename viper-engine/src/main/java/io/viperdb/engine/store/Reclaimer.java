package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.RecordVerdict;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Entry;
import io.viperdb.engine.index.Place;
import io.viperdb.engine.log.Mapping;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.ValueLog;
import io.viperdb.engine.store.PackedPlaces.Copy;
import io.viperdb.engine.store.PackedPlaces.LogOrder;
import io.viperdb.engine.store.PackedPlaces.Source;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One reclaim: rewrites the live records of every sealed segment into new segments and swaps them in, a few segments
 * at a time, so that the disk never holds much more than the store plus one step's copy.
 *
 * <ol>
 *   <li>Under the write lock, the active segment is sealed, so that every record to rewrite is in an immutable file;
 *       writes go on into a new active segment.</li>
 *   <li>The sealed segments are taken in replay order, in steps of consecutive segments of about
 *       {@value #STEP_LOG_FILES} log files. For each step, without the lock, the live records of its segments are
 *       copied in their log order into new segment files (each record's checksum checked on the way), which are
 *       synced.</li>
 *   <li>Under the write lock, the manifest is replaced to list the new segments where the step's segments were. That
 *       atomic rename is the step's commit point: before it the store is as it was, after it as it will be; the files
 *       of the other side are deleted by the next open. Then the index moves each key that was not overwritten or
 *       removed meanwhile.</li>
 *   <li>The step's old segments are unmapped, once the reads under way in them have ended, and their files
 *       deleted.</li>
 * </ol>
 * Delete records and expired, overwritten and removed values are dropped. That is safe because every segment ahead
 * of a step holds only records that were live when they were copied: a record hidden by a dropped delete or by a
 * dropped newer record is never among them.
 *
 * <p>A store with nothing to drop is left as it is: the pass over the index that sorts the records by segment comes
 * first, over every segment, and if the index points at every record of every segment (the active one up to where it
 * ended then) and none has expired, the reclaim returns without rolling, copying or writing anything. Otherwise the
 * active segment is sealed as above; when no write came between the pass and that, the pass serves the copy too, and
 * else it is made again over the sealed segments.
 */
final class Reclaimer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    /** How many log files' worth of segments one step rewrites. */
    static final int STEP_LOG_FILES = 2;
    /**
     * The most bytes of consecutive records copied as one block: enough that a block costs one system call and no
     * copy through a buffer, small enough that a paced copy keeps its pace and a request to stop is seen soon.
     */
    static final int MAX_BLOCK = 1 << 20;

    private final WriteGate gate;
    private final IndexChanges changes;
    private final KeyDirectory index;
    private final Segments segments;
    private final Clock clock;
    private final CopyPace pace;
    private final BooleanSupplier stop;
    private final Runnable afterStep;
    /**
     * Whether the step under way has reached its commit: from then on the manifest may name its new segments, so a
     * failure no longer discards them (the next open deletes whichever side the manifest does not name).
     */
    private boolean committing;

    /** Thrown when a reclaim gives up at a step's start because it was asked to stop: the store is whole. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("reclaim stopped", null, false, false);
        }
    }

    Reclaimer(WriteGate gate, IndexChanges changes, KeyDirectory index, Segments segments, Clock clock, CopyPace pace,
            BooleanSupplier stop, Runnable afterStep) {
        this.gate = gate;
        this.changes = changes;
        this.index = index;
        this.segments = segments;
        this.clock = clock;
        this.pace = pace;
        this.stop = stop;
        this.afterStep = afterStep;
    }

    /** A key to drop from the index because its record has expired. */
    private record Expired(byte[] key, Place at) {
    }

    /**
     * The records of one sealed segment that the index points at, in the order of the index's slots: each as its
     * {@link PackedPlaces.Source} place and the slot of its entry. Expired entries are apart.
     */
    private static final class SegmentRecords {
        long[] places = new long[16];
        int[] slots = new int[16];
        int count;
        /** The bytes of the records in {@link #places}. */
        long bytes;
        boolean anyExpired;
        final List<Expired> expired = new ArrayList<>();

        void add(long offset, int length, int slot) {
            if (count == places.length) {
                places = Arrays.copyOf(places, 2 * count);
                slots = Arrays.copyOf(slots, 2 * count);
            }
            places[count] = Source.of(offset, length);
            slots[count++] = slot;
            bytes += length;
        }

        /** The indexes of {@link #places}, as {@link PackedPlaces.LogOrder} keys, in log order. */
        long[] logOrder() {
            long[] order = new long[count];
            for (int i = 0; i < count; i++) {
                order[i] = LogOrder.of(places[i], i);
            }
            Arrays.sort(order);
            return order;
        }
    }

    /**
     * The {@link SegmentRecords} of each segment, found by the segment's id: a binary search in a few ids, which a
     * pass over millions of places makes without boxing each id.
     */
    private static final class RecordsById {
        private final long[] ids;
        private final SegmentRecords[] records;

        RecordsById(Map<Segment, SegmentRecords> bySegment) {
            List<Segment> segments = new ArrayList<>(bySegment.keySet());
            segments.sort(Comparator.comparingLong(Segment::id));
            ids = new long[segments.size()];
            records = new SegmentRecords[segments.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = segments.get(i).id();
                records[i] = bySegment.get(segments.get(i));
            }
        }

        /** The records of segment {@code id}, or null if it is not one of those sorted. */
        SegmentRecords get(long id) {
            int i = Arrays.binarySearch(ids, id);
            return i >= 0 ? records[i] : null;
        }
    }

    /** Where the records of one source segment went: a {@link PackedPlaces.Copy} for each of its places. */
    private record Copied(Segment source, SegmentRecords records, long[] to) {
    }

    /** The store as a reclaim first sees it: its size, its segments, and where the active one ended. */
    private record Start(long bytes, List<Segment> segments, Segment active, long activeEnd) {

        /** The start of a reclaim of {@code segments}; under the write lock. */
        static Start of(Segments segments) {
            Segment active = segments.active();
            return new Start(segments.sizeInBytes(), segments.all(), active, active.values().end());
        }
    }

    /** The segments sealed for a reclaim, and whether the pass made before sealing them saw all their records. */
    private record Sealed(List<Segment> segments, boolean passStands) {
    }

    /**
     * Reclaims.
     *
     * @param leaveASoundStoreAlone whether to look first for anything to drop, and leave a store without any as it is
     *     (a reclaim asked for); the automatic reclaim, which starts only when its figures say there is dead data,
     *     seals at once instead, so that writers that wait for it to make room do not wait for the look as well
     */
    ReclaimResult run(boolean leaveASoundStoreAlone) {
        long started = System.nanoTime();
        Start start = gate.underWriteLock("reclaim", () -> Start.of(segments));
        long bytesBefore = start.bytes();
        Map<Segment, SegmentRecords> records = new IdentityHashMap<>();
        long generation = 0;
        if (leaveASoundStoreAlone) {
            generation = recordsBySegment(start.segments(), start.active(), start.activeEnd(), records);
            if (!anyDead(start.segments(), start.active(), start.activeEnd(), records)) {
                long live = records.values().stream().mapToLong(in -> in.count).sum();
                return new ReclaimResult(bytesBefore, bytesBefore, live,
                        Duration.ofNanos(System.nanoTime() - started));
            }
        }
        Sealed sealed = gate.underWriteLock("reclaim", () -> seal(start));
        if (!leaveASoundStoreAlone || !sealed.passStands()) {
            records.clear();
            generation = recordsBySegment(sealed.segments(), null, 0, records);
        }
        long kept = 0;
        for (List<Segment> step : steps(sealed.segments())) {
            if (stop.getAsBoolean()) {
                throw new Stopped();
            }
            kept += rewrite(step, records, generation);
            afterStep.run();
        }
        return new ReclaimResult(bytesBefore, segments.sizeInBytes(), kept,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Seals the active segment, so that every record to rewrite is in an immutable file. Under the write lock. */
    private Sealed seal(Start start) {
        // No write since the pass (every write appends to the active segment, and a roll replaces it): the pass saw
        // every record of the segments about to be sealed.
        boolean passStands = segments.active() == start.active() && start.active().values().end() == start.activeEnd();
        if (segments.active().values().end() > FileHeader.SIZE) {
            segments.roll();
        }
        List<Segment> all = segments.all();
        return new Sealed(List.copyOf(all.subList(0, all.size() - 1)), passStands);
    }

    /**
     * One pass over the index, sorting the records it points at by the segment of {@code segments} they are in. Places
     * only, no keys: the keys are in the records, and reading them from there at the commit costs less than making a
     * string of every key here. Only expired entries, rare, are taken again with their keys. Of {@code active} (when
     * not null), which takes appends meanwhile, only the records before {@code activeEnd} are taken.
     */
    private long recordsBySegment(List<Segment> segments, Segment active, long activeEnd,
            Map<Segment, SegmentRecords> records) {
        for (Segment segment : segments) {
            records.put(segment, new SegmentRecords());
        }
        RecordsById byId = new RecordsById(records);
        long activeId = active == null ? -1 : active.id();
        long now = clock.millis();
        long generation = index.forEachPlace((place, slot) -> {
            SegmentRecords in = byId.get(place.segment());
            if (in == null || place.segment() == activeId && place.offset() >= activeEnd) {
                return;
            }
            if (place.expiredAt(now)) {
                in.anyExpired = true;
            } else {
                in.add(place.offset(), place.length(), slot);
            }
        });
        if (records.values().stream().anyMatch(in -> in.anyExpired)) {
            for (Entry entry : index.entries()) {
                Place at = entry.place();
                SegmentRecords in = byId.get(at.segment());
                // Expired now, so expired at the pass above too: never counted among the live ones there.
                if (in != null && at.expiredAt(now) && in.anyExpired) {
                    in.expired.add(new Expired(entry.key(), at));
                }
            }
        }
        return generation;
    }

    /**
     * Whether a reclaim would drop anything: a record that the index does not point at (overwritten, removed, a delete
     * or batch record) or that has expired, in {@code segments} as {@link #recordsBySegment} sorted them.
     */
    private static boolean anyDead(List<Segment> segments, Segment active, long activeEnd,
            Map<Segment, SegmentRecords> records) {
        for (Segment segment : segments) {
            SegmentRecords in = records.get(segment);
            long end = segment == active ? activeEnd : segment.values().end();
            if (in.anyExpired || in.bytes < end - FileHeader.SIZE) {
                return true;
            }
        }
        return false;
    }

    /** Consecutive runs of segments of about {@link #STEP_LOG_FILES} log files each, at least one segment each. */
    private List<List<Segment>> steps(List<Segment> sealed) {
        long stepBytes = STEP_LOG_FILES * segments.logFileSize();
        List<List<Segment>> steps = new ArrayList<>();
        List<Segment> step = new ArrayList<>();
        long bytes = 0;
        for (Segment segment : sealed) {
            if (!step.isEmpty() && bytes + segment.values().end() > stepBytes) {
                steps.add(step);
                step = new ArrayList<>();
                bytes = 0;
            }
            step.add(segment);
            bytes += segment.values().end();
        }
        if (!step.isEmpty()) {
            steps.add(step);
        }
        return steps;
    }

    /** Rewrites one step's segments and returns the records it kept. */
    private long rewrite(List<Segment> step, Map<Segment, SegmentRecords> records, long generation) {
        List<Segment> outputs = new ArrayList<>();
        List<Copied> copies = new ArrayList<>();
        long kept;
        committing = false;
        try {
            // The new segments are private to this reclaim until the manifest names them: no other thread appends
            // to them or reads them, so their lock is never contended.
            Lock outputLock = new ReentrantLock();
            // The device writes the new segments while they are being copied, so that sealing them (which syncs
            // them) finds little left to write.
            BackgroundSync backgroundSync = new BackgroundSync(() -> outputs.get(outputs.size() - 1).flushForSync()::force,
                    "viperdb-reclaim-writeback " + segments.directory().path());
            try {
                for (Segment source : step) {
                    copies.add(copy(source, records.get(source), outputs, outputLock, backgroundSync));
                }
                backgroundSync.awaitIdle();
            } finally {
                backgroundSync.stop();
            }
            if (!outputs.isEmpty()) {
                outputs.get(outputs.size() - 1).seal();
            }
            segments.directory().sync();
            kept = gate.underWriteLock("reclaim", () -> commit(step, records, outputs, copies, generation));
        } finally {
            if (!committing) {
                discard(outputs);
            }
        }
        delete(step);
        return kept;
    }

    /**
     * The step's commit point, under the write lock: the manifest names {@code outputs} in place of {@code step}, and
     * the index moves to the copies and drops the expired keys. Returns the records it kept.
     */
    private long commit(List<Segment> step, Map<Segment, SegmentRecords> records, List<Segment> outputs,
            List<Copied> copies, long generation) {
        committing = true;
        Set<Segment> rewritten = Collections.newSetFromMap(new IdentityHashMap<>());
        rewritten.addAll(step);
        segments.replace(rewritten, outputs, clock.millis());
        long kept = 0;
        for (Copied copied : copies) {
            kept += move(copied, outputs, generation);
        }
        for (Segment source : step) {
            for (Expired expired : records.get(source).expired) {
                if (index.remove(expired.key(), expired.at())) {
                    changes.replaced(expired.at(), null);
                }
            }
        }
        return kept;
    }

    /**
     * Copies the records of {@code source} to the end of {@code outputs}, in log order, starting new output segments
     * as they fill. Consecutive records are copied as one block of up to {@link #MAX_BLOCK} bytes, each record's
     * checksum checked before any byte of its block is written. A record overwritten since the pass is copied all the
     * same: the index will not move to it, and the next reclaim drops it.
     */
    private Copied copy(Segment source, SegmentRecords records, List<Segment> outputs, Lock outputLock,
            BackgroundSync backgroundSync) {
        long[] order = records.logOrder();
        // The places in log order, gathered in a loop of their own: the gather is a miss per record, and only a loop
        // that does nothing else lets the processor overlap them (in the copy loop they took half of the time it spent
        // outside system calls). Each Source place is replaced by its Copy place once its block is copied.
        long[] places = new long[order.length];
        for (int j = 0; j < order.length; j++) {
            places[j] = records.places[LogOrder.index(order[j])];
        }
        ValueLog values = source.values();
        // The sources are sealed and are released only by a later reclaim or a close, which wait for this one.
        Mapping mapping = values.enter(values.end());
        if (mapping == null) {
            throw new IllegalStateException(source + " was released during a reclaim that reads it");
        }
        try {
            ByteBuffer bytes = mapping.buffer();
            Segment out = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
            int k = 0;
            while (k < order.length) {
                if (stop.getAsBoolean()) {
                    throw new Stopped();
                }
                long firstPlace = places[k];
                int blockStart = Source.offset(firstPlace);
                if (out == null || out.values().end() >= segments.logFileSize()
                        || !out.values().hasRoomFor(Source.length(firstPlace))) {
                    if (out != null) {
                        backgroundSync.awaitIdle();
                        out.seal();
                    }
                    out = segments.createSegment(outputLock);
                    outputs.add(out);
                }
                long outEnd = out.values().end();
                int first = k;
                int blockEnd = blockStart;
                // A block goes on while records are consecutive, and ends where a copy record by record would have
                // started a new output: once the output reaches the log file size, or before it would pass MAX_SIZE.
                do {
                    long place = places[k];
                    int start = Source.offset(place);
                    int length = Source.length(place);
                    long blockBytes = blockEnd - blockStart;
                    if (k > first && (start != blockEnd || blockBytes + length > MAX_BLOCK
                            || outEnd + blockBytes >= segments.logFileSize()
                            || outEnd + blockBytes + length > ValueLog.MAX_SIZE)) {
                        break;
                    }
                    int verdict = DataRecord.inspect(bytes, start, start + length);
                    if (verdict != length) {
                        throw new CorruptStoreException(values.file(), start, RecordVerdict.isSound(verdict)
                                ? "a record of " + verdict + " bytes where the index places one of " + length
                                : DataRecord.describe(verdict, bytes, start, start + length));
                    }
                    blockEnd = start + length;
                    k++;
                } while (k < order.length);
                long newStart = out.appendCopy(bytes, blockStart, blockEnd - blockStart);
                int output = outputs.size() - 1;
                for (int j = first; j < k; j++) {
                    // The copy's place replaces the source's, which the loop has done with.
                    places[j] = Copy.of(output, newStart + Source.offset(places[j]) - blockStart);
                }
                backgroundSync.appended(blockEnd - blockStart);
                pace.copied(blockEnd - blockStart, stop);
            }
        } finally {
            mapping.exit();
        }
        // Back in slot order, in a loop of its own too, for the moves, which go in slot order.
        long[] to = new long[order.length];
        for (int j = 0; j < order.length; j++) {
            to[LogOrder.index(order[j])] = places[j];
        }
        return new Copied(source, records, to);
    }

    /**
     * Points the index at the copies of {@code copied} where it still points at the originals; returns how many. The
     * entries are taken in slot order, by slot while the table is the one the pass walked, else by their keys, read
     * from the original records.
     */
    private long move(Copied copied, List<Segment> outputs, long generation) {
        SegmentRecords records = copied.records();
        Segment source = copied.source();
        long[] to = copied.to();
        long moved = 0;
        Mapping mapping = null;
        byte[] key = null;
        try {
            for (int i = 0; i < records.count; i++) {
                long place = records.places[i];
                Segment output = outputs.get(Copy.output(to[i]));
                int result = index.moveAt(generation, records.slots[i], source.id(), Source.offset(place),
                        Source.length(place), output.id(), Copy.offset(to[i]));
                if (result == KeyDirectory.SLOT_UNKNOWN) {
                    if (mapping == null) {
                        mapping = source.values().enter(source.values().end());
                        if (mapping == null) {
                            throw new IllegalStateException(source + " was released during a reclaim that reads it");
                        }
                        key = new byte[KeyValueStore.MAX_KEY_BYTES];
                    }
                    ByteBuffer bytes = mapping.buffer();
                    int keyLength = RecordHeader.keyLength(bytes, Source.offset(place));
                    bytes.get(Source.offset(place) + RecordHeader.SIZE, key, 0, keyLength);
                    result = index.move(key, 0, keyLength, source.id(), Source.offset(place), Source.length(place),
                            output.id(), Copy.offset(to[i])) ? KeyDirectory.MOVED : KeyDirectory.NOT_MOVED;
                }
                if (result == KeyDirectory.MOVED) {
                    moved++;
                }
            }
        } finally {
            if (mapping != null) {
                mapping.exit();
            }
        }
        return moved;
    }

    private void discard(List<Segment> outputs) {
        for (Segment output : outputs) {
            output.abandon();
            try {
                output.deleteFiles(segments.directory());
            } catch (StoreIOException e) {
                LOG.log(Level.WARNING, "Could not delete the files of an abandoned reclaim; the next open will", e);
            }
        }
    }

    /**
     * Unmaps and deletes the rewritten segments, so that their disk space comes back before the reclaim returns. The
     * index no longer points into them, so a read that comes later looks again and finds the new place; reads under
     * way finish first (and readers never wait for a reclaim: the last one out unmaps).
     */
    private void delete(List<Segment> rewritten) {
        rewritten.forEach(Segment::release);
        rewritten.forEach(Segment::awaitReleased);
        try {
            for (Segment segment : rewritten) {
                segment.deleteFiles(segments.directory());
            }
            segments.directory().sync();
        } catch (StoreIOException e) {
            // The reclaim has committed; files it could not delete are not in the manifest and go at the next open.
            LOG.log(Level.WARNING, "Reclaim committed but could not delete the old files; the next open will", e);
        }
    }
}
