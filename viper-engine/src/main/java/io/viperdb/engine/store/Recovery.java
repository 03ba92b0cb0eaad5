package io.viperdb.engine.store;

import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.index.IndexFile;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.SyncMarkFile;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * Opens the segments a manifest lists, in order, with the index of their records: read from the index file when it
 * covers them, else rebuilt from their logs.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private Recovery() {
    }

    /**
     * The segments a recovery opened, with the last one ready for appends, and the index of their records: started
     * from the index file if {@code fromIndexFile} (and what it does not cover replayed), else rebuilt from the logs;
     * and what the index file on the device covers, if the store opened from it and it is of this version.
     */
    record Recovered(Segments segments, KeyDirectory index, boolean fromIndexFile, SavedIndex.Coverage onDevice) {
    }

    /**
     * Deletes the files no manifest names, and opens every segment: from the index file if the logs still hold what it
     * covers (recovery rule 10), replaying only what they hold past that (rule 11); else replaying each into a new
     * index (see {@link SegmentRecovery}), after a writable open has deleted an index file it did not use (rule 12).
     * With {@code readOnly}, nothing is written, cut or deleted: the files are read as they are, and every segment is
     * stopped where its data ends.
     */
    static Recovered recover(StoreDirectory directory, Manifest manifest, Lock writeLock, long logFileSize,
            long nowMillis, boolean readOnly) {
        if (readOnly) {
            List<Path> orphans = directory.unlisted(manifest.segmentIds());
            if (!orphans.isEmpty()) {
                LOG.log(Level.INFO, "Ignoring files that the manifest of {0} does not name, left by an interrupted "
                        + "reclaim or segment creation (read-only: they are left as they are): {1}", directory.path(),
                        orphans);
            }
        } else {
            List<Path> orphans = directory.deleteUnlisted(manifest.segmentIds());
            if (!orphans.isEmpty()) {
                LOG.log(Level.INFO, "Deleted files that the manifest of {0} does not name, left by an interrupted "
                        + "reclaim or segment creation: {1}", directory.path(), orphans);
            }
        }
        SyncMark mark = SyncMarkFile.read(directory);
        SyncMarkFile marks = SyncMarkFile.continueFrom(directory, mark);
        IndexFile.Loaded loaded = SavedIndex.load(directory, manifest, !readOnly);
        if (loaded != null) {
            try {
                List<Segment> segments = replayWhatTheIndexFileDoesNotCover(directory, manifest.segmentIds(),
                        loaded, writeLock, logFileSize, nowMillis, readOnly, mark, marks);
                return new Recovered(segments(directory, manifest, writeLock, logFileSize, segments, marks, readOnly),
                        loaded.index(), true, loaded.current() ? new SavedIndex.Coverage(loaded.generation(),
                        loaded.extents()) : null);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not open " + directory.path() + " from its index file; rebuilding the"
                        + " index from the logs", e);
            }
        }
        if (!readOnly) {
            SavedIndex.forget(directory);
        }
        KeyDirectory index = KeyDirectory.unordered(IndexSizing.expectedKeys(directory, manifest.segmentIds()));
        List<Long> ids = manifest.segmentIds();
        List<Segment> segments = new ArrayList<>(ids.size());
        try {
            for (int i = 0; i < ids.size(); i++) {
                boolean last = i == ids.size() - 1;
                long id = ids.get(i);
                segments.add(SegmentRecovery.recover(directory, id, last, readOnly, index, nowMillis, writeLock,
                        logFileSize, markOf(mark, id, last), marks));
            }
            // Sized from the key logs, the table may be far larger than the live keys need (many were overwritten).
            index.trim();
            index.orderKeys();
            return new Recovered(segments(directory, manifest, writeLock, logFileSize, segments, marks, readOnly),
                    index, false, null);
        } catch (RuntimeException e) {
            segments.forEach(Segment::abandon);
            throw e;
        }
    }

    /**
     * Rule 11: opens the segments {@code ids} (the manifest's) starting from the index file {@code loaded}, which the
     * logs still hold (rule 10): the segments it covers whole without reading them, the last it covers from where
     * its coverage ends, and every later segment whole, each by rules 1 to 9 and into the index the file held. All
     * or none.
     */
    private static List<Segment> replayWhatTheIndexFileDoesNotCover(StoreDirectory directory, List<Long> ids,
            IndexFile.Loaded loaded, Lock writeLock, long logFileSize, long nowMillis, boolean readOnly,
            SyncMark mark, SyncMarkFile marks) {
        List<IndexFile.Extent> extents = loaded.extents();
        List<Segment> segments = new ArrayList<>(ids.size());
        try {
            for (int i = 0; i < ids.size(); i++) {
                boolean last = i == ids.size() - 1;
                long id = ids.get(i);
                SyncMark itsMark = markOf(mark, id, last);
                if (i < extents.size() - 1) {
                    segments.add(SegmentRecovery.openCovered(directory, extents.get(i), readOnly, writeLock,
                            logFileSize));
                } else if (i == extents.size() - 1) {
                    segments.add(SegmentRecovery.replayPastCoverage(directory, extents.get(i), last, readOnly,
                            loaded.index(), nowMillis, writeLock, logFileSize, itsMark, marks));
                } else {
                    segments.add(SegmentRecovery.recover(directory, id, last, readOnly, loaded.index(), nowMillis,
                            writeLock, logFileSize, itsMark, marks));
                }
            }
            return segments;
        } catch (RuntimeException e) {
            segments.forEach(Segment::abandon);
            throw e;
        }
    }

    /** The sync mark if it names segment {@code id} and that is the {@code last}: a mark names the active segment. */
    private static SyncMark markOf(SyncMark mark, long id, boolean last) {
        return last && mark != null && mark.segmentId() == id ? mark : null;
    }

    private static Segments segments(StoreDirectory directory, Manifest manifest, Lock writeLock, long logFileSize,
            List<Segment> segments, SyncMarkFile marks, boolean readOnly) {
        long nextId = manifest.segmentIds().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        Segments result = new Segments(directory, writeLock, logFileSize, manifest, segments, nextId, marks);
        if (!readOnly) {
            result.startIfEmpty();
        }
        return result;
    }
}
