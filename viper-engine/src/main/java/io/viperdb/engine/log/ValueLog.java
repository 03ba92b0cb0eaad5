package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

/**
 * One value log file: appended through a buffer, read through a memory mapping (see {@link DataRecord} for the
 * layout).
 *
 * <p>While the file takes appends, the mapping runs ahead of the data: the file is extended (sparsely) to twice the
 * mapped size at a time, up to the log file size, so a growing log is remapped a handful of times rather than on
 * every read of fresh data. The extension is cut off when the file is sealed or closed, and by recovery after a
 * crash (zeros never form a record: see {@link RecordHeader}).
 *
 * <p>Reads need no lock: a reader looks at {@link #bytes(long)}, which returns the current mapping when the bytes it
 * wants are already in the file and mapped. Only a read of bytes still in the write buffer takes the append lock,
 * to flush it.
 */
public final class ValueLog {

    private static final int BUFFER_SIZE = 64 << 10;
    private static final long MIN_MAPPING = 1 << 20;
    private static final long MAX_MAPPING = Integer.MAX_VALUE;

    private final Path file;
    private final Lock appendLock;
    private final long growthLimit;
    private final ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
    private FileChannel channel;
    private LogAppender appender;
    private long sealedEnd;
    private volatile MappedByteBuffer map;
    private volatile long readableEnd;

    private ValueLog(Path file, FileChannel channel, Lock appendLock, long growthLimit) {
        this.file = file;
        this.channel = channel;
        this.appendLock = appendLock;
        this.growthLimit = growthLimit;
    }

    /**
     * Creates a new, empty value log that takes appends; its header is synced before this returns.
     *
     * @param appendLock the lock every caller of the append methods holds
     * @param growthLimit the log file size, beyond which the mapping does not run ahead
     */
    public static ValueLog create(Path file, long segmentId, Lock appendLock, long growthLimit) {
        FileChannel channel = LogFiles.create(file);
        ValueLog log = new ValueLog(file, channel, appendLock, growthLimit);
        try {
            channel.write(FileHeader.encode(FileHeader.Kind.VALUE_LOG, segmentId), 0);
            channel.force(true);
        } catch (IOException e) {
            LogFiles.closeQuietly(channel);
            throw new StoreIOException(file, "creating", e);
        }
        log.appender = new LogAppender(file, channel, FileHeader.SIZE, BUFFER_SIZE, null);
        return log;
    }

    /**
     * Opens an existing value log for recovery: the whole file is mapped and its header checked. Recovery then
     * {@link #truncate truncates} it and either {@link #resumeAppending() resumes appending} or {@link #seal seals}
     * it.
     *
     * @throws CorruptStoreException if the file is missing, too large to be a value log or has a bad header
     */
    public static ValueLog open(Path file, long segmentId, Lock appendLock, long growthLimit) {
        FileChannel channel = LogFiles.openExisting(file, "value log");
        ValueLog log = new ValueLog(file, channel, appendLock, growthLimit);
        try {
            long size = channel.size();
            if (size > MAX_MAPPING) {
                throw new CorruptStoreException(file, MAX_MAPPING, "a value log is never larger than "
                        + MAX_MAPPING + " bytes; this one is " + size);
            }
            log.map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            long id = FileHeader.decode(log.map, FileHeader.Kind.VALUE_LOG, file);
            if (id != segmentId) {
                throw new CorruptStoreException(file, FileHeader.ID_OFFSET, "the header names segment " + id
                        + " but the file name says segment " + segmentId);
            }
            log.sealedEnd = size;
            log.readableEnd = size;
            return log;
        } catch (IOException e) {
            LogFiles.closeQuietly(channel);
            throw new StoreIOException(file, "opening", e);
        } catch (RuntimeException e) {
            LogFiles.closeQuietly(channel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** The end of the log: where the next record goes. */
    public long end() {
        return appender != null ? appender.end() : sealedEnd;
    }

    /** The whole mapped file, for recovery to scan before it truncates. */
    public ByteBuffer mappedForRecovery() {
        return map;
    }

    /** Cuts the file at {@code end}, dropping everything after it. For recovery, before appends resume. */
    public void truncate(long end) {
        try {
            channel.truncate(end);
        } catch (IOException e) {
            throw new StoreIOException(file, "truncating", e);
        }
        sealedEnd = end;
        readableEnd = Math.min(readableEnd, end);
    }

    /** Starts taking appends at the end of the file. */
    public void resumeAppending() {
        appender = new LogAppender(file, channel, sealedEnd, BUFFER_SIZE, null);
    }

    LogAppender appender() {
        return appender;
    }

    /** Appends a record and returns its offset. The caller holds the append lock. */
    public long append(byte type, long timestamp, long expiry, byte[] key, byte[] value) {
        long offset = appender.end();
        DataRecord.encodeHeader(header.clear(), type, timestamp, expiry, key, value);
        appender.append(header);
        appender.append(key);
        appender.append(value);
        return offset;
    }

    /** Appends a copy of the whole record at {@code record[start, start + length)} and returns its new offset. */
    public long appendCopy(ByteBuffer record, int start, int length) {
        long offset = appender.end();
        appender.append(record.slice(start, length));
        return offset;
    }

    /**
     * Returns a read-only buffer in which the bytes {@code [0, end)} of the file can be read by absolute position.
     * {@code end} must not pass {@link #end()}. Callers must not change the buffer's position or limit.
     */
    public ByteBuffer bytes(long end) {
        if (end <= readableEnd) {
            return map;
        }
        appendLock.lock();
        try {
            return makeReadable(end);
        } finally {
            appendLock.unlock();
        }
    }

    private ByteBuffer makeReadable(long end) {
        if (appender != null && end > appender.flushedEnd()) {
            appender.flush();
        }
        long available = appender != null ? appender.flushedEnd() : sealedEnd;
        if (end > available) {
            throw new IllegalStateException("Read of " + file + " up to " + end + " passes its end " + available);
        }
        MappedByteBuffer current = map;
        if (current == null || current.capacity() < end) {
            current = mapAtLeast(end);
            map = current;
        }
        readableEnd = Math.min(available, current.capacity());
        return current;
    }

    private MappedByteBuffer mapAtLeast(long end) {
        long mapped = map == null ? 0 : map.capacity();
        long target = Math.max(end, Math.min(Math.max(2 * mapped, MIN_MAPPING), growthLimit));
        target = Math.min(MAX_MAPPING, (target + MIN_MAPPING - 1) / MIN_MAPPING * MIN_MAPPING);
        try {
            if (channel.size() < target) {
                // One byte at the far end makes a sparse file: the space between costs nothing until written.
                channel.write(ByteBuffer.allocate(1), target - 1);
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, target);
        } catch (IOException e) {
            throw new StoreIOException(file, "mapping", e);
        }
    }

    /** Hands buffered records to the operating system. The caller holds the append lock. */
    public void flush() {
        if (appender != null) {
            appender.flush();
        }
    }

    /** Flushes and forces the records to the device. The caller holds the append lock. */
    public void sync() {
        if (appender != null) {
            appender.sync();
        }
    }

    /**
     * Stops appends for good: flushes, cuts the file at its end, syncs it, maps it whole and closes the file
     * (the mapping needs no open file). The caller holds the append lock.
     */
    public void seal() {
        if (channel == null) {
            return;
        }
        long end = end();
        if (appender != null) {
            appender.flush();
        }
        try {
            channel.truncate(end);
            channel.force(true);
            if (map == null || map.capacity() < end) {
                map = channel.map(FileChannel.MapMode.READ_ONLY, 0, end);
            }
        } catch (IOException e) {
            throw new StoreIOException(file, "sealing", e);
        }
        appender = null;
        sealedEnd = end;
        readableEnd = end;
        LogFiles.closeQuietly(channel);
        channel = null;
    }

    /** Closes the file without writing anything more: after a write failed, the tail is left to recovery. */
    public void abandon() {
        appender = null;
        LogFiles.closeQuietly(channel);
        channel = null;
    }
}
