package io.viperdb.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Every operation through which the engine changes files: opening them (the channel then writes, syncs and
 * truncates), mapping them, replacing one by another, deleting one, and syncing a directory's entries.
 *
 * <p>It is the seam where tests put faults: an I/O error at the Nth operation, or a power cut that drops every byte
 * and every directory change that was not synced. The engine uses {@link #real()} everywhere else. Reads of the
 * directory listing and of the lock file go straight to the file system: they change nothing.
 */
public interface FileAccess {

    /** Opens a file as {@link FileChannel#open(Path, OpenOption...)} does. */
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /**
     * Maps {@code [0, size)} of the file that {@code channel} (opened by {@link #open}) reads, read-only (see
     * {@link MappedRegion}). The mapping stays valid after the channel is closed, until it is unmapped.
     */
    MappedRegion map(FileChannel channel, long size) throws IOException;

    /** Replaces {@code target} by {@code source} in one atomic rename. */
    void replace(Path source, Path target) throws IOException;

    /** Deletes {@code file} if it exists; returns whether it did. */
    boolean deleteIfExists(Path file) throws IOException;

    /** Forces the entries of {@code directory} (files created, renamed, deleted) to the device. */
    void syncDirectory(Path directory) throws IOException;

    /** The file system itself. */
    static FileAccess real() {
        return RealFileAccess.INSTANCE;
    }

    /**
     * Which implementation maps files on this JDK and how it releases them, e.g. {@code "MemorySegment of a shared
     * Arena, released by closing the arena"}: for log lines and tests.
     */
    static String mappingImplementation() {
        return Mappings.implementation();
    }
}
