package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.StoreIOException;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.io.MappedRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * An append-only file of a log: its channel, the appender that writes to it while it takes appends, and its end.
 * Failures are reported as the store's own exceptions, naming the file.
 *
 * <p>Not thread-safe: callers hold the lock that guards the log. Only {@link #flushedEnd()} may be read without it.
 */
final class LogFile {

    private final FileAccess access;
    private final Path path;
    private FileChannel channel;
    private LogAppender appender;
    private long end;

    private LogFile(FileAccess access, Path path, FileChannel channel, long end) {
        this.access = access;
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /** Creates a new file that starts with {@code header}, synced before this returns. It must not exist. */
    static LogFile create(FileAccess access, Path path, ByteBuffer header) {
        FileChannel channel;
        try {
            channel = access.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new StoreIOException(path, "creating (a file of that name is in the way)", e);
        } catch (IOException e) {
            throw new StoreIOException(path, "creating", e);
        }
        LogFile file = new LogFile(access, path, channel, 0);
        file.rewrite(header);
        return file;
    }

    /**
     * Opens an existing file, whose end is its size.
     *
     * @param mustExist if true, a missing file is a {@link CorruptStoreException} (the manifest names it); if false,
     *     a missing file is created empty
     */
    static LogFile open(FileAccess access, Path path, boolean mustExist, String what) {
        return open(access, path, mustExist, false, what);
    }

    /**
     * Opens an existing file for reading only, for a store opened read-only: nothing is ever written to it.
     *
     * @param mustExist if true, a missing file is a {@link CorruptStoreException}; if false, a missing file reads as
     *     empty (nothing is created)
     */
    static LogFile openReadOnly(FileAccess access, Path path, boolean mustExist, String what) {
        return open(access, path, mustExist, true, what);
    }

    private static LogFile open(FileAccess access, Path path, boolean mustExist, boolean readOnly, String what) {
        if (readOnly && !mustExist && !Files.exists(path)) {
            return new LogFile(access, path, null, 0);
        }
        try {
            if (readOnly) {
                FileChannel channel = access.open(path, StandardOpenOption.READ);
                try {
                    return new LogFile(access, path, channel, channel.size());
                } catch (IOException e) {
                    closeQuietly(channel);
                    throw e;
                }
            }
            FileChannel channel = mustExist
                    ? access.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : access.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                return new LogFile(access, path, channel, channel.size());
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new CorruptStoreException(path, 0, "the " + what + " that the store's manifest lists is missing");
        } catch (IOException e) {
            throw new StoreIOException(path, "opening", e);
        }
    }

    Path path() {
        return path;
    }

    /** Where the next appended byte goes, or the end of the data when not appending. */
    long end() {
        return appender != null ? appender.end() : end;
    }

    /** The end of the bytes in the file, as far as readers may rely on them. */
    long flushedEnd() {
        return appender != null ? appender.flushedEnd() : end;
    }

    LogAppender appender() {
        return appender;
    }

    /** Empties the file and writes {@code header}, synced. */
    void rewrite(ByteBuffer header) {
        truncate(0);
        try {
            long position = 0;
            while (header.hasRemaining()) {
                position += channel.write(header, position);
            }
            channel.force(true);
            end = position;
        } catch (IOException e) {
            throw new StoreIOException(path, "writing the header of", e);
        }
    }

    /**
     * Takes {@code newEnd} as the end of the data without changing the file: for a store opened read-only, which reads
     * no further (what lies beyond, such as a torn tail, a writable open would cut).
     */
    void endAt(long newEnd) {
        end = newEnd;
    }

    /** Cuts the file at {@code newEnd}. Not while appending. */
    void truncate(long newEnd) {
        try {
            channel.truncate(newEnd);
        } catch (IOException e) {
            throw new StoreIOException(path, "truncating", e);
        }
        end = newEnd;
    }

    /**
     * Starts taking appends at the end, through a buffer that never reaches the file before {@code flushFirst}'s;
     * {@code afterFlush} is told each new flushed end.
     */
    void startAppending(int bufferSize, LogAppender flushFirst, LongConsumer afterFlush) {
        appender = new LogAppender(path, channel, end, bufferSize, flushFirst, afterFlush);
    }

    void flush() {
        if (appender != null) {
            appender.flush();
        }
    }

    /** Flushes and forces the file's bytes to the device. */
    void sync() {
        flush();
        force();
    }

    private void force() {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new StoreIOException(path, "syncing", e);
        }
    }

    /** Stops appends for good: flushes, cuts the file at its end (dropping space reserved ahead) and syncs it. */
    void finishAppending() {
        end = end();
        flush();
        appender = null;
        truncate(end);
        force();
    }

    /** Maps {@code [0, size)} read-only; the mapping stays valid after the file is closed, until it is unmapped. */
    MappedRegion map(long size) {
        try {
            return access.map(channel, size);
        } catch (IOException e) {
            throw new StoreIOException(path, "mapping", e);
        }
    }

    /** Makes the file at least {@code size} bytes long, sparsely: the space costs nothing until written. */
    void reserve(long size) {
        try {
            if (channel.size() < size) {
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        } catch (IOException e) {
            throw new StoreIOException(path, "extending", e);
        }
    }

    /** The size of the file, which may run past {@link #end()} while space is reserved ahead. */
    long size() {
        if (channel == null) {
            return end;
        }
        try {
            return channel.size();
        } catch (IOException e) {
            throw new StoreIOException(path, "reading the size of", e);
        }
    }

    /** Reads from {@code position} until {@code dst} is full or the file ends. */
    void readFully(ByteBuffer dst, long position) {
        if (channel == null) {
            return; // a missing file opened read-only reads as empty
        }
        readFully(channel, dst, position, path);
    }

    /** Reads {@code channel} from {@code position} until {@code dst} is full or the file ends. */
    static void readFully(FileChannel channel, ByteBuffer dst, long position, Path path) {
        try {
            for (long at = position; dst.hasRemaining(); ) {
                int n = channel.read(dst, at);
                if (n < 0) {
                    return;
                }
                at += n;
            }
        } catch (IOException e) {
            throw new StoreIOException(path, "reading", e);
        }
    }

    /** The open channel, for a sync that runs without the lock; null once the file is closed. */
    FileChannel channel() {
        return channel;
    }

    boolean isOpen() {
        return channel != null;
    }

    /** Closes the file without writing anything more (after a write failed, the tail is left to recovery). */
    void close() {
        appender = null;
        closeQuietly(channel);
        channel = null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing a channel whose data was synced (or abandoned) loses nothing.
        }
    }
}
