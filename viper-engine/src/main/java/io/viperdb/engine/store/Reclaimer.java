package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Location;
import io.viperdb.engine.log.Mapping;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.ValueLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 */
final class Reclaimer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    /** How many log files' worth of segments one step rewrites. */
    static final int STEP_LOG_FILES = 2;

    private final RecordStore store;
    private final KeyDirectory index;
    private final Segments segments;
    private final Lock writeLock;
    private final Clock clock;
    private final CopyPace pace;
    private final BooleanSupplier stop;
    private final Runnable afterStep;

    /** Thrown when a reclaim gives up at a step's start because it was asked to stop: the store is whole. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("reclaim stopped", null, false, false);
        }
    }

    Reclaimer(RecordStore store, KeyDirectory index, Segments segments, Lock writeLock, Clock clock, CopyPace pace,
            BooleanSupplier stop, Runnable afterStep) {
        this.store = store;
        this.index = index;
        this.segments = segments;
        this.writeLock = writeLock;
        this.clock = clock;
        this.pace = pace;
        this.stop = stop;
        this.afterStep = afterStep;
    }

    /** A live key whose record moves from one place to another. */
    private static final class Move {
        final String key;
        final Location from;
        Location to;

        Move(String key, Location from) {
            this.key = key;
            this.from = from;
        }
    }

    /** The keys whose records are in one segment: those to move, and those expired, to drop from the index. */
    private static final class SegmentKeys {
        final List<Move> live = new ArrayList<>();
        final List<Move> expired = new ArrayList<>();
    }

    ReclaimResult run() {
        long started = System.nanoTime();
        long bytesBefore;
        List<Segment> sealed;
        writeLock.lock();
        try {
            store.checkWritable();
            bytesBefore = segments.sizeInBytes();
            if (segments.active().values().end() > FileHeader.SIZE) {
                segments.roll();
            }
            List<Segment> all = segments.all();
            sealed = List.copyOf(all.subList(0, all.size() - 1));
        } catch (StoreIOException e) {
            throw store.failWrites(e);
        } finally {
            writeLock.unlock();
        }
        Map<Segment, SegmentKeys> keys = keysBySegment(sealed);
        long kept = 0;
        for (List<Segment> step : steps(sealed)) {
            if (stop.getAsBoolean()) {
                throw new Stopped();
            }
            kept += rewrite(step, keys);
            afterStep.run();
        }
        return new ReclaimResult(bytesBefore, segments.sizeInBytes(), kept,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** One pass over the index, sorting its keys by the sealed segment their record is in. */
    private Map<Segment, SegmentKeys> keysBySegment(List<Segment> sealed) {
        Map<Segment, SegmentKeys> keys = new IdentityHashMap<>();
        for (Segment segment : sealed) {
            keys.put(segment, new SegmentKeys());
        }
        long now = clock.millis();
        for (Map.Entry<String, Location> entry : index.entries()) {
            Location from = entry.getValue();
            SegmentKeys in = keys.get(from.segment());
            if (in != null) {
                (from.expiredAt(now) ? in.expired : in.live).add(new Move(entry.getKey(), from));
            }
        }
        return keys;
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
    private long rewrite(List<Segment> step, Map<Segment, SegmentKeys> keys) {
        List<Move> live = new ArrayList<>();
        List<Move> expired = new ArrayList<>();
        for (Segment segment : step) {
            List<Move> moves = keys.get(segment).live;
            moves.sort(Comparator.comparingLong(m -> m.from.offset()));
            live.addAll(moves);
            expired.addAll(keys.get(segment).expired);
        }
        List<Segment> outputs = new ArrayList<>();
        boolean committing = false;
        long kept = 0;
        try {
            copy(live, outputs);
            segments.directory().sync();
            writeLock.lock();
            try {
                store.checkWritable();
                committing = true;
                Set<Segment> rewritten = Collections.newSetFromMap(new IdentityHashMap<>());
                rewritten.addAll(step);
                segments.replace(rewritten, outputs, clock.millis());
                for (Move move : live) {
                    if (move.to != null && index.replace(move.key, move.from, move.to)) {
                        kept++;
                    }
                }
                for (Move move : expired) {
                    if (index.remove(move.key, move.from)) {
                        store.replaced(move.from, null);
                    }
                }
            } catch (StoreIOException e) {
                throw store.failWrites(e);
            } finally {
                writeLock.unlock();
            }
        } finally {
            if (!committing) {
                discard(outputs);
            }
        }
        delete(step);
        return kept;
    }

    private void copy(List<Move> live, List<Segment> outputs) {
        // The new segments are private to this reclaim until the manifest names them: no other thread appends to
        // them or reads them, so their lock is never contended.
        Lock outputLock = new ReentrantLock();
        Segment out = null;
        for (Move move : live) {
            if (stop.getAsBoolean()) {
                throw new Stopped();
            }
            if (!move.from.equals(index.get(move.key))) {
                // Overwritten or removed since the reclaim began: not worth a copy.
                continue;
            }
            Location from = move.from;
            if (out == null || out.values().end() >= segments.logFileSize()
                    || !out.values().hasRoomFor(from.length())) {
                if (out != null) {
                    out.seal();
                }
                out = segments.createSegment(outputLock);
                outputs.add(out);
            }
            ValueLog source = from.segment().values();
            // The sources are sealed and are released only by a later reclaim or a close, which wait for this one.
            Mapping mapping = source.enter(from.end());
            if (mapping == null) {
                throw new IllegalStateException(from.segment() + " was released during a reclaim that reads it");
            }
            try {
                ByteBuffer bytes = mapping.buffer();
                int start = (int) from.offset();
                int end = start + from.length();
                if (DataRecord.check(bytes, start, end) != from.length()) {
                    throw new CorruptStoreException(source.file(), start, DataRecord.problem(bytes, start, end));
                }
                move.to = new Location(out, out.appendCopy(bytes, start, from.length()), from.length(),
                        from.expiry());
            } finally {
                mapping.exit();
            }
            pace.copied(from.length(), stop);
        }
        if (out != null) {
            out.seal();
        }
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
