package io.viperdb.engine.store;

import io.viperdb.CorruptStoreException;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.index.IndexFile;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The index kept in the store's index file (see {@link IndexFile}): written as a checkpoint while the store takes
 * writes and when it closes, and loaded when it opens if the logs still hold the bytes it covers (recovery rule 10 of
 * FORMAT.md); what it does not cover is then replayed (rule 11). It is a cache: whatever is wrong with it, the store
 * opens by replaying the logs, and a log line says why.
 */
final class SavedIndex {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private SavedIndex() {
    }

    /**
     * The index as it was at one point of the logs, and how far it covers each segment: what a checkpoint or a close
     * writes to the index file.
     *
     * @param generation the generation of the manifest that listed {@code extents}' segments
     * @param extents each segment, in the manifest's order, and how far its logs reached
     * @param index the index of exactly the records below those ends, which no update changes any more
     */
    record Snapshot(long generation, List<IndexFile.Extent> extents, KeyDirectory index) {

        /** The bytes of value log the snapshot covers, for the log line of a checkpoint. */
        long valueLogBytes() {
            return extents.stream().mapToLong(IndexFile.Extent::valueLogEnd).sum();
        }
    }

    /** How far an index file covers the logs: the generation of the manifest and the extents it was written for. */
    record Coverage(long generation, List<IndexFile.Extent> extents) {

        /**
         * Whether {@code snapshot} covers the same: the same segments, each as far. (The record each ends with is
         * then the same too, though a segment opened without being read does not know where it starts.)
         */
        boolean sameAs(Snapshot snapshot) {
            if (generation != snapshot.generation() || extents.size() != snapshot.extents().size()) {
                return false;
            }
            for (int i = 0; i < extents.size(); i++) {
                IndexFile.Extent a = extents.get(i);
                IndexFile.Extent b = snapshot.extents().get(i);
                if (a.segment() != b.segment() || a.valueLogEnd() != b.valueLogEnd()
                        || a.keyLogEnd() != b.keyLogEnd()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * What the index file on the device covers, as far as the store knows: the file it opened from, then each it
     * wrote. A close or a checkpoint whose snapshot it {@linkplain #holds holds} already leaves the file as it is, so
     * that a store closed without a write since it opened from its index file writes nothing.
     */
    static final class OnDevice {
        private volatile Coverage coverage;

        /** With {@code coverage} null: unknown (or no file), so the first snapshot is written. */
        OnDevice(Coverage coverage) {
            this.coverage = coverage;
        }

        /** Whether the file on the device covers exactly what {@code snapshot} covers. */
        boolean holds(Snapshot snapshot) {
            Coverage c = coverage;
            return c != null && c.sameAs(snapshot);
        }

        /** Notes that {@code snapshot} was written to the file. */
        void wrote(Snapshot snapshot) {
            coverage = new Coverage(snapshot.generation(), snapshot.extents());
        }
    }

    /**
     * Takes what the index file is to hold: {@code index} itself, which no update may change any more (the store is
     * closing), and the ends of the logs of {@code segments}. The caller holds the write lock.
     */
    static Snapshot snapshot(Segments segments, KeyDirectory index) {
        return new Snapshot(segments.manifest().generation(), extents(segments), index);
    }

    /**
     * Takes what the index file is to hold while the store goes on: a copy of {@code index} into {@code room} (see
     * {@link KeyDirectory#snapshot}) and the ends of the logs of {@code segments}. The caller holds the write lock, so
     * that the copy is the index of exactly the records below those ends.
     */
    static Snapshot snapshot(Segments segments, KeyDirectory index, KeyDirectory.SnapshotRoom room) {
        return new Snapshot(segments.manifest().generation(), extents(segments), index.snapshot(room));
    }

    private static List<IndexFile.Extent> extents(Segments segments) {
        List<IndexFile.Extent> extents = new ArrayList<>();
        for (Segment segment : segments.all()) {
            extents.add(new IndexFile.Extent(segment.id(), segment.values().end(), segment.keys().end(),
                    segment.values().lastRecordOffset(), segment.values().lastRecordCrc()));
        }
        return extents;
    }

    /**
     * Writes {@code snapshot} to the index file, atomically, and durably if {@code durable} (see
     * {@link IndexFile#write}). The caller has made sure that every byte of the logs it covers is on the device:
     * otherwise a crash could cut the logs below what it covers. A failure is logged, not thrown: the next open uses
     * the file before, or rebuilds the index.
     *
     * @return whether it was written
     */
    static boolean save(StoreDirectory directory, Snapshot snapshot, boolean durable) {
        try {
            IndexFile.write(directory.access(), directory.indexFile(), snapshot.generation(), snapshot.extents(),
                    snapshot.index(), durable);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not write the index file of " + directory.path()
                    + "; the next open uses the one before, or rebuilds the index from the logs", e);
            return false;
        }
    }

    /**
     * The index in the index file of {@code directory}, if the file is sound and the logs of the segments
     * {@code manifest} lists still hold what it covers (rule 10); null otherwise, with a log line unless there is no
     * file. Whether the last segment it covers holds, at its covered end, the record the file names is checked when
     * that segment is opened ({@link SegmentRecovery#openCovered}). With {@code writable} its table is mapped
     * copy-on-write; else copied (see {@link IndexFile#read}).
     */
    static IndexFile.Loaded load(StoreDirectory directory, Manifest manifest, boolean writable) {
        IndexFile.Loaded loaded;
        try {
            loaded = IndexFile.read(directory.access(), directory.indexFile(), writable);
        } catch (CorruptStoreException | UnsupportedFormatException e) {
            ignore(directory, e.getMessage());
            return null;
        } catch (IOException | RuntimeException e) {
            ignore(directory, "it cannot be read: " + e);
            return null;
        }
        if (loaded == null) {
            return null;
        }
        String mismatch = logsStillHoldWhatItCovers(directory, manifest, loaded);
        if (mismatch != null) {
            ignore(directory, mismatch);
            return null;
        }
        return loaded;
    }

    /**
     * Rule 10: why the logs of {@code manifest}'s segments may no longer hold the bytes {@code loaded} covers, or null
     * if they do. Within a generation and across the rolls that follow, a segment id names the same files, sealed
     * segments never change, and the active one is only appended to (and cut above what is on the device); a reclaim
     * removes segments from the list, and ids are never given twice. So the file's segments must open the manifest's
     * list, in order; each but its last must be exactly as long as it says; its last may have grown.
     */
    private static String logsStillHoldWhatItCovers(StoreDirectory directory, Manifest manifest,
            IndexFile.Loaded loaded) {
        if (loaded.generation() > manifest.generation()) {
            return "it was written for manifest generation " + loaded.generation() + ", later than the manifest's "
                    + manifest.generation();
        }
        List<Long> ids = new ArrayList<>();
        loaded.extents().forEach(extent -> ids.add(extent.segment()));
        List<Long> listed = manifest.segmentIds();
        if (ids.isEmpty() || ids.size() > listed.size() || !listed.subList(0, ids.size()).equals(ids)) {
            return "it covers segments " + ids + ", and the manifest lists " + listed
                    + " (a reclaim has rewritten them since)";
        }
        for (int i = 0; i < ids.size(); i++) {
            IndexFile.Extent extent = loaded.extents().get(i);
            boolean last = i == ids.size() - 1;
            long values = size(directory.valueLog(extent.segment()));
            long keys = size(directory.keyLog(extent.segment()));
            boolean holds = last ? values >= extent.valueLogEnd() && keys >= extent.keyLogEnd()
                    : values == extent.valueLogEnd() && keys == extent.keyLogEnd();
            if (!holds) {
                return "it covers segment " + extent.segment() + " to " + extent.valueLogEnd() + " bytes of value log"
                        + " and " + extent.keyLogEnd() + " of key log, and they are " + values + " and " + keys
                        + " bytes long";
            }
        }
        return null;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        }
    }

    private static void ignore(StoreDirectory directory, String why) {
        LOG.log(Level.INFO, "Rebuilding the index of {0} from its logs: its index file is not used, since {1}",
                directory.path(), why);
    }

    /**
     * Rule 12: deletes an index file that an open did not use, and syncs the deletion, before a writable open changes
     * any log: logs that were cut below what it covers could grow back past it and pass rule 10 by chance.
     */
    static void forget(StoreDirectory directory) {
        try {
            if (directory.access().deleteIfExists(directory.indexFile())) {
                directory.access().syncDirectory(directory.path());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not delete the index file of " + directory.path()
                    + "; rule 10 keeps the next open from using it once the logs have changed", e);
        }
    }
}
