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
import java.util.concurrent.locks.ReentrantLock;

/**
 * One reclaim: rewrites the live records of every sealed segment into new segments and swaps them in.
 *
 * <ol>
 *   <li>Under the write lock, the active segment is sealed, so that every record to rewrite is in an immutable file;
 *       writes go on into a new active segment.</li>
 *   <li>Without the lock, the live records of the sealed segments are copied, in their log order, into new segment
 *       files (each record's checksum checked on the way), which are synced.</li>
 *   <li>Under the write lock, the manifest is replaced to list the new segments first, followed by every segment
 *       written since step 1. That atomic rename is the commit point: before it the store is as it was, after it
 *       as it will be; the files of the other side are deleted by the next open. Then the index moves each key
 *       that was not overwritten or removed meanwhile.</li>
 *   <li>The old segments are unmapped, once the reads under way in them have ended, and their files deleted.</li>
 * </ol>
 * Delete records and expired, overwritten and removed values are dropped: every record older than the new
 * segments is among those rewritten, so nothing they could hide is left.
 */
final class Reclaimer {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private final RecordStore store;
    private final KeyDirectory index;
    private final Segments segments;
    private final Lock writeLock;
    private final Clock clock;

    Reclaimer(RecordStore store, KeyDirectory index, Segments segments, Lock writeLock, Clock clock) {
        this.store = store;
        this.index = index;
        this.segments = segments;
        this.writeLock = writeLock;
        this.clock = clock;
    }

    /** A live key whose record moves from one place to another. */
    private static final class Move {
        final String key;
        final Location from;
        final int rank;
        Location to;

        Move(String key, Location from, int rank) {
            this.key = key;
            this.from = from;
            this.rank = rank;
        }
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
        if (sealed.isEmpty()) {
            return new ReclaimResult(bytesBefore, bytesBefore, 0, Duration.ofNanos(System.nanoTime() - started));
        }

        Map<Segment, Integer> rank = new IdentityHashMap<>();
        for (int i = 0; i < sealed.size(); i++) {
            rank.put(sealed.get(i), i);
        }
        List<Move> live = new ArrayList<>();
        List<Move> expired = new ArrayList<>();
        long now = clock.millis();
        for (Map.Entry<String, Location> entry : index.entries()) {
            Location from = entry.getValue();
            Integer r = rank.get(from.segment());
            if (r != null) {
                (from.expiredAt(now) ? expired : live).add(new Move(entry.getKey(), from, r));
            }
        }
        live.sort(Comparator.<Move>comparingInt(m -> m.rank).thenComparingLong(m -> m.from.offset()));

        List<Segment> outputs = new ArrayList<>();
        boolean committing = false;
        try {
            copy(live, outputs);
            segments.directory().sync();
            writeLock.lock();
            try {
                store.checkWritable();
                committing = true;
                Set<Segment> rewritten = Collections.newSetFromMap(new IdentityHashMap<>());
                rewritten.addAll(sealed);
                segments.replace(rewritten, outputs, clock.millis());
                for (Move move : live) {
                    index.replace(move.key, move.from, move.to);
                }
                for (Move move : expired) {
                    index.remove(move.key, move.from);
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
        delete(sealed);
        return new ReclaimResult(bytesBefore, segments.sizeInBytes(), live.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void copy(List<Move> live, List<Segment> outputs) {
        // The new segments are private to this reclaim until the manifest names them: no other thread appends to
        // them or reads them, so their lock is never contended.
        Lock outputLock = new ReentrantLock();
        Segment out = null;
        for (Move move : live) {
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
