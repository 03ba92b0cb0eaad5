package io.viperdb.engine.store;

import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.log.Segment;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's files at one moment: each segment with where its value log and key log ended, taken under the write
 * lock after a flush, so the two logs agree. Records appended later lie past these ends and are ignored by whoever
 * reads the snapshot; files are not deleted while the caller holds the reclaim lock.
 *
 * @param manifest the manifest of that moment
 * @param segments the segments, oldest data first, with their ends
 */
record StoreSnapshot(Manifest manifest, List<Part> segments) {

    /**
     * One segment of a snapshot.
     *
     * @param segment the segment
     * @param valueLogEnd where its value log ended
     * @param keyLogEnd where its key log ended
     */
    record Part(Segment segment, long valueLogEnd, long keyLogEnd) {
    }

    /** Takes a snapshot of {@code segments}; the caller holds the write lock. */
    static StoreSnapshot of(Segments segments) {
        if (!segments.all().isEmpty()) {
            segments.active().flush();
        }
        List<Part> parts = new ArrayList<>();
        for (Segment segment : segments.all()) {
            parts.add(new Part(segment, segment.values().end(), segment.keys().end()));
        }
        return new StoreSnapshot(segments.manifest(), parts);
    }
}
