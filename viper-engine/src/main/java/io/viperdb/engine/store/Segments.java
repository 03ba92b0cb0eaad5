package io.viperdb.engine.store;

import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.log.SyncMarkFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

/**
 * The store's segments in the order they are replayed, and the manifest that lists them. The last segment takes
 * appends. Every change is made under the write lock, and the manifest is written before the change is visible.
 */
final class Segments {

    private final StoreDirectory directory;
    private final Lock writeLock;
    private final long logFileSize;
    private final AtomicLong nextId;
    private final SyncMarkFile syncMarks;
    private volatile Listing listing;
    private Manifest manifest;

    /**
     * The segments, and the bytes of the records of all but the active one, which never change once sealed: kept
     * together so that a reader without the lock sees a total that belongs to its list. Beside them, for a reader that
     * has a segment id from the index, the segments by id ({@code ids} sorted, {@code byId} in the same order): the
     * listed ones and those the last reclaim replaced, which the index may point into until the reclaim has moved it.
     */
    private record Listing(List<Segment> segments, long sealedRecordBytes, long[] ids, Segment[] byId) {

        static Listing of(List<Segment> segments, Collection<Segment> replaced) {
            long bytes = 0;
            for (int i = 0; i < segments.size() - 1; i++) {
                bytes += recordBytes(segments.get(i));
            }
            List<Segment> all = new ArrayList<>(segments);
            all.addAll(replaced);
            all.sort(Comparator.comparingLong(Segment::id));
            long[] ids = new long[all.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = all.get(i).id();
            }
            return new Listing(List.copyOf(segments), bytes, ids, all.toArray(new Segment[0]));
        }
    }

    Segments(StoreDirectory directory, Lock writeLock, long logFileSize, Manifest manifest, List<Segment> list,
            long nextId, SyncMarkFile syncMarks) {
        this.directory = directory;
        this.syncMarks = syncMarks;
        this.writeLock = writeLock;
        this.logFileSize = logFileSize;
        this.manifest = manifest;
        this.listing = Listing.of(list, List.of());
        this.nextId = new AtomicLong(nextId);
    }

    /** The segment that takes appends. */
    Segment active() {
        List<Segment> list = listing.segments();
        return list.get(list.size() - 1);
    }

    /**
     * The segment of id {@code id}, for a reader that has the id from the index: a listed one, or one the last reclaim
     * replaced (its files stay until the reclaim has moved the index out of it); null if there is none, and then the
     * index no longer points there.
     */
    Segment segment(long id) {
        Listing current = listing;
        int i = Arrays.binarySearch(current.ids(), id);
        return i >= 0 ? current.byId()[i] : null;
    }

    /** Every segment, oldest data first. */
    List<Segment> all() {
        return listing.segments();
    }

    /** Where syncs of the active segment are noted, so that the next open need not check what they synced. */
    SyncMarkFile syncMarks() {
        return syncMarks;
    }

    Manifest manifest() {
        return manifest;
    }

    long logFileSize() {
        return logFileSize;
    }

    StoreDirectory directory() {
        return directory;
    }

    /** Creates the empty files of a segment with a fresh id, appended under {@code appendLock}. */
    Segment createSegment(Lock appendLock) {
        return Segment.create(directory, nextId.getAndIncrement(), appendLock, logFileSize);
    }

    /** Creates the first segment of a store that has none. */
    void startIfEmpty() {
        if (listing.segments().isEmpty()) {
            Segment first = createSegment(writeLock);
            publish(manifest.withSegments(List.of(first.id())), List.of(first), List.of());
        }
    }

    /**
     * Seals the active segment and makes a new, empty one active. The new segment's files exist (and are synced)
     * before the manifest names them, and the old segment is synced before anything is written after it, so a crash
     * at any point leaves a store that opens with every record written before the roll.
     */
    void roll() {
        Segment next = createSegment(writeLock);
        active().seal();
        List<Segment> rolled = new ArrayList<>(listing.segments());
        rolled.add(next);
        publish(manifest.withSegments(ids(rolled)), rolled, List.of());
    }

    /**
     * Replaces consecutive {@code rewritten} segments by {@code replacements}, which hold their live records and take
     * their place in replay order.
     */
    void replace(Set<Segment> rewritten, List<Segment> replacements, long nowMillis) {
        List<Segment> replaced = new ArrayList<>();
        boolean placed = false;
        for (Segment segment : listing.segments()) {
            if (!rewritten.contains(segment)) {
                replaced.add(segment);
            } else if (!placed) {
                replaced.addAll(replacements);
                placed = true;
            }
        }
        publish(manifest.afterReclaim(ids(replaced), nowMillis), replaced, rewritten);
    }

    private void publish(Manifest next, List<Segment> segments, Collection<Segment> replaced) {
        directory.writeManifest(next);
        manifest = next;
        listing = Listing.of(segments, replaced);
    }

    /**
     * The bytes of every value log's records, live and dead, without walking the segments: the automatic reclaim asks
     * after every write.
     */
    long recordBytes() {
        Listing current = listing;
        List<Segment> all = current.segments();
        return all.isEmpty() ? 0 : current.sealedRecordBytes() + recordBytes(all.get(all.size() - 1));
    }

    private static long recordBytes(Segment segment) {
        return segment.values().end() - FileHeader.SIZE;
    }

    /** The bytes the segments' data takes on disk. */
    long sizeInBytes() {
        long bytes = 0;
        for (Segment segment : listing.segments()) {
            bytes += segment.sizeInBytes();
        }
        return bytes;
    }

    static List<Long> ids(List<Segment> segments) {
        return segments.stream().map(Segment::id).toList();
    }
}
