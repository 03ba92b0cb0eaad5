package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.io.FileAccess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a store directory and their names.
 *
 * <pre>
 * viper.manifest          the manifest (see {@link Manifest}), replaced atomically
 * viper.lock              held with an operating-system lock while the store is open; holds the opener's pid
 * viper.synced            how far the active value log is known to be on the device (see {@link SyncMark})
 * 00000001.vlog           the value log of segment 1
 * 00000001.klog           the key log of segment 1
 * *.tmp                   files being written before an atomic rename; left over only by a crash
 * </pre>
 */
public final class StoreDirectory {

    public static final String MANIFEST = "viper.manifest";
    public static final String LOCK = "viper.lock";
    public static final String SYNC_MARK = "viper.synced";
    public static final String INDEX = "viper.index";
    public static final String VALUE_LOG_SUFFIX = ".vlog";
    public static final String KEY_LOG_SUFFIX = ".klog";
    public static final String TEMP_SUFFIX = ".tmp";

    private static final Pattern SEGMENT_FILE = Pattern.compile("(\\d{8,19})(\\.vlog|\\.klog)");
    private static final long MAX_MANIFEST_BYTES = 16 << 20;

    private final Path path;
    private final FileAccess access;

    public StoreDirectory(Path path, FileAccess access) {
        this.path = path;
        this.access = access;
    }

    public Path path() {
        return path;
    }

    /** How the store's files are changed: the real file system, or a test's faults. */
    public FileAccess access() {
        return access;
    }

    public Path valueLog(long segmentId) {
        return path.resolve(segmentName(segmentId) + VALUE_LOG_SUFFIX);
    }

    public Path keyLog(long segmentId) {
        return path.resolve(segmentName(segmentId) + KEY_LOG_SUFFIX);
    }

    public Path manifest() {
        return path.resolve(MANIFEST);
    }

    public Path lockFile() {
        return path.resolve(LOCK);
    }

    /** The index file, a cache of the logs (see {@code IndexFile}). */
    public Path indexFile() {
        return path.resolve(INDEX);
    }

    public Path syncMark() {
        return path.resolve(SYNC_MARK);
    }

    private static String segmentName(long segmentId) {
        return String.format("%08d", segmentId);
    }

    /**
     * Reads the manifest.
     *
     * @return the manifest, or null if the directory has none (a new store)
     * @throws CorruptStoreException if it is damaged
     */
    public Manifest readManifest() {
        Path file = manifest();
        try {
            long size = Files.size(file);
            if (size > MAX_MANIFEST_BYTES) {
                throw new CorruptStoreException(file, 0, "a manifest of " + size + " bytes is implausibly large");
            }
            return Manifest.decode(ByteBuffer.wrap(Files.readAllBytes(file)), file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new StoreIOException(file, "reading", e);
        }
    }

    /** Replaces the manifest atomically: write a temporary file, sync it, rename it over the old one, sync the directory. */
    public void writeManifest(Manifest manifest) {
        Path target = manifest();
        Path temp = path.resolve(MANIFEST + TEMP_SUFFIX);
        try (FileChannel channel = access.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = manifest.encode();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new StoreIOException(temp, "writing", e);
        }
        try {
            access.replace(temp, target);
        } catch (IOException e) {
            throw new StoreIOException(target, "replacing", e);
        }
        sync();
    }

    /** The ids of the segments that have at least one file in the directory. */
    public SortedSet<Long> segmentIdsOnDisk() {
        SortedSet<Long> ids = new TreeSet<>();
        for (Path file : list()) {
            Matcher matcher = SEGMENT_FILE.matcher(file.getFileName().toString());
            if (matcher.matches()) {
                ids.add(Long.parseLong(matcher.group(1)));
            }
        }
        return ids;
    }

    /**
     * Deletes the segment files of segments not in {@code listed}, and temporary files: what a crash in the middle
     * of creating a segment or of a reclaim leaves behind, which the manifest never named.
     *
     * @return the files deleted
     */
    public List<Path> deleteUnlisted(Collection<Long> listed) {
        List<Path> deleted = unlisted(listed);
        for (Path file : deleted) {
            try {
                access.deleteIfExists(file);
            } catch (IOException e) {
                throw new StoreIOException(file, "deleting", e);
            }
        }
        if (!deleted.isEmpty()) {
            sync();
        }
        return deleted;
    }

    /**
     * The files {@link #deleteUnlisted} deletes: the segment files of segments not in {@code listed}, and temporary
     * files.
     */
    public List<Path> unlisted(Collection<Long> listed) {
        List<Path> unlisted = new ArrayList<>();
        for (Path file : list()) {
            String name = file.getFileName().toString();
            Matcher matcher = SEGMENT_FILE.matcher(name);
            boolean orphan = matcher.matches() && !listed.contains(Long.parseLong(matcher.group(1)));
            if (orphan || name.endsWith(TEMP_SUFFIX)) {
                unlisted.add(file);
            }
        }
        return unlisted;
    }

    private List<Path> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new StoreIOException(path, "listing", e);
        }
        return files;
    }

    /** Forces the directory's entries (created, renamed and deleted files) to the device. */
    public void sync() {
        try {
            access.syncDirectory(path);
        } catch (IOException e) {
            throw new StoreIOException(path, "syncing the directory", e);
        }
    }
}
