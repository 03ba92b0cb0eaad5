package io.viperdb.engine.salvage;

import io.viperdb.StoreIOException;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.io.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of a damaged store as salvage reads it: opened with {@link StandardOpenOption#READ} alone and mapped
 * read-only, so that nothing can write to it, cut it or create it. A missing file reads as empty, and says so.
 */
public final class ReadOnlyFile implements AutoCloseable {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Path path;
    private final boolean exists;
    private final long size;
    private final MappedRegion region;

    private ReadOnlyFile(Path path, boolean exists, long size, MappedRegion region) {
        this.path = path;
        this.exists = exists;
        this.size = size;
        this.region = region;
    }

    /**
     * Maps {@code path} read-only: its first {@link Integer#MAX_VALUE} bytes, the most one mapping holds (no value log
     * is larger; what lies beyond is {@link #unmappedBytes()}).
     *
     * @return the mapped file; one that holds no bytes if the file does not exist
     * @throws StoreIOException if the file exists but cannot be read
     */
    public static ReadOnlyFile map(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            long mapped = Math.min(size, Integer.MAX_VALUE);
            // An empty mapping is refused by some JDKs' mapping implementations, and holds nothing anyway.
            MappedRegion region = mapped == 0 ? null : FileAccess.real().map(channel, mapped);
            return new ReadOnlyFile(path, true, size, region);
        } catch (NoSuchFileException e) {
            return new ReadOnlyFile(path, false, 0, null);
        } catch (IOException e) {
            throw new StoreIOException(path, "reading", e);
        }
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    boolean exists() {
        return exists;
    }

    /** The bytes mapped, position 0, read by absolute index; empty for a missing file. */
    public ByteBuffer bytes() {
        return region == null ? EMPTY : region.buffer();
    }

    /** The bytes of the file past what one mapping holds, which salvage does not read. */
    long unmappedBytes() {
        return size - bytes().limit();
    }

    /** Unmaps the file. Nothing may read {@link #bytes()} afterwards. */
    @Override
    public void close() {
        if (region != null) {
            region.unmap();
        }
    }
}
