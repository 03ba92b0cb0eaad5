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
 * The index kept in the store's index file between a close and the next open (see {@link IndexFile}): saved when
 * the store closes, and loaded when it opens if it covers the logs exactly (recovery rule 10 of FORMAT.md). It is a
 * cache: whatever is wrong with it, the store opens by replaying the logs, and a log line says why.
 */
final class SavedIndex {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    private SavedIndex() {
    }

    /**
     * The index in the index file of {@code directory}, if the file is sound and covers exactly the logs of the
     * segments {@code manifest} lists (rule 10): written for that manifest's generation, naming the same segments in
     * the same order, and with each value log and key log as long as the file says. Null otherwise, with a log line
     * unless there is no file.
     */
    static IndexFile.Loaded load(StoreDirectory directory, Manifest manifest) {
        IndexFile.Loaded loaded;
        try {
            loaded = IndexFile.read(directory.access(), directory.indexFile());
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
        String mismatch = mismatch(directory, manifest, loaded);
        if (mismatch != null) {
            ignore(directory, mismatch);
            return null;
        }
        return loaded;
    }

    /** Why {@code loaded} does not cover the logs of {@code manifest}'s segments, or null if it does. */
    private static String mismatch(StoreDirectory directory, Manifest manifest, IndexFile.Loaded loaded) {
        if (loaded.generation() != manifest.generation()) {
            return "it was written for manifest generation " + loaded.generation() + ", and the manifest is of "
                    + manifest.generation();
        }
        List<Long> ids = new ArrayList<>();
        loaded.extents().forEach(extent -> ids.add(extent.segment()));
        if (!ids.equals(manifest.segmentIds())) {
            return "it covers segments " + ids + ", and the manifest lists " + manifest.segmentIds();
        }
        for (IndexFile.Extent extent : loaded.extents()) {
            long values = size(directory.valueLog(extent.segment()));
            long keys = size(directory.keyLog(extent.segment()));
            if (values != extent.valueLogEnd() || keys != extent.keyLogEnd()) {
                return "it covers segment " + extent.segment() + " to " + extent.valueLogEnd() + " bytes of value log and "
                        + extent.keyLogEnd() + " of key log, and they are " + values + " and " + keys + " bytes long";
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
     * Deletes the index file, before a writable open changes any log: from then on it would describe logs that have
     * moved on. Not synced: an index file that a crash brings back is held to rule 10 like any other.
     */
    static void forget(StoreDirectory directory) {
        try {
            directory.access().deleteIfExists(directory.indexFile());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not delete the index file of " + directory.path()
                    + "; rule 10 keeps the next open from using it once the logs have changed", e);
        }
    }

    /**
     * Saves {@code index}, which covers every record of {@code segments}, to the index file. The caller holds the
     * write lock, and the segments are sealed or synced: the files are as long as they will be when the store next
     * opens, unless it is written again. A failure is logged, not thrown: the next open rebuilds the index instead.
     */
    static void save(Segments segments, KeyDirectory index) {
        StoreDirectory directory = segments.directory();
        List<IndexFile.Extent> extents = new ArrayList<>();
        for (Segment segment : segments.all()) {
            extents.add(new IndexFile.Extent(segment.id(), segment.values().end(), segment.keys().end(),
                    segment.values().lastRecordOffset(), segment.values().lastRecordCrc()));
        }
        try {
            IndexFile.write(directory.access(), directory.indexFile(), segments.manifest().generation(), extents,
                    index);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not write the index file of " + directory.path()
                    + "; the next open rebuilds the index from the logs", e);
        }
    }
}
