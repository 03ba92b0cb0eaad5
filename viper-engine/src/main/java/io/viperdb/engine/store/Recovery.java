package io.viperdb.engine.store;

import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.log.SyncMarkFile;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/** Opens the segments a manifest lists, in order, and rebuilds the key directory from them. */
final class Recovery {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private Recovery() {
    }

    /**
     * Deletes the files no manifest names, replays every segment into {@code index} (see {@link SegmentRecovery}),
     * and returns the segments with the last one ready for appends. With {@code readOnly}, nothing is written, cut
     * or deleted: the files are read as they are, and every segment is stopped where its data ends.
     */
    static Segments recover(StoreDirectory directory, Manifest manifest, KeyDirectory index, Lock writeLock,
            long logFileSize, long nowMillis, boolean readOnly) {
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
        List<Long> ids = manifest.segmentIds();
        List<Segment> segments = new ArrayList<>(ids.size());
        SyncMark mark = SyncMarkFile.read(directory);
        SyncMarkFile marks = SyncMarkFile.continueFrom(directory, mark);
        try {
            for (int i = 0; i < ids.size(); i++) {
                boolean last = i == ids.size() - 1;
                long id = ids.get(i);
                segments.add(SegmentRecovery.recover(directory, id, last, readOnly, index, nowMillis, writeLock,
                        logFileSize, last && mark != null && mark.segmentId() == id ? mark : null, marks));
            }
            // Sized from the key logs, the table may be far larger than the live keys need (many were overwritten).
            index.trim();
            long nextId = ids.stream().mapToLong(Long::longValue).max().orElse(0) + 1;
            Segments result = new Segments(directory, writeLock, logFileSize, manifest, segments, nextId, marks);
            if (!readOnly) {
                result.startIfEmpty();
            }
            return result;
        } catch (RuntimeException e) {
            segments.forEach(Segment::abandon);
            throw e;
        }
    }
}
