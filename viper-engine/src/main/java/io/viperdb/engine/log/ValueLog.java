package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
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
 * wants are already in the file and mapped (every flush moves that point on). Only a read of bytes still in the write
 * buffer, or past the mapping, takes the append lock, to flush the buffer or map more.
 */
public final class ValueLog {

    private static final int BUFFER_SIZE = 64 << 10;
    private static final long MIN_MAPPING = 1 << 20;
    private static final long MAX_MAPPING = Integer.MAX_VALUE;

    private final LogFile file;
    private final Lock appendLock;
    private final long growthLimit;
    private final ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
    private volatile MappedByteBuffer map;
    private volatile long readableEnd;

    private ValueLog(LogFile file, Lock appendLock, long growthLimit) {
        this.file = file;
        this.appendLock = appendLock;
        this.growthLimit = growthLimit;
    }

    /**
     * Creates a new, empty value log that takes appends; its header is synced before this returns.
     *
     * @param appendLock the lock every caller of the append methods holds
     * @param growthLimit the log file size, beyond which the mapping does not run ahead
     */
    public static ValueLog create(FileAccess access, Path path, long segmentId, Lock appendLock,
            long growthLimit) {
        ValueLog log = new ValueLog(LogFile.create(access, path,
                FileHeader.encode(FileHeader.Kind.VALUE_LOG, segmentId)), appendLock, growthLimit);
        log.file.startAppending(BUFFER_SIZE, null, log::flushed);
        return log;
    }

    /**
     * Opens an existing value log for recovery: the whole file is mapped and its header checked. Recovery then
     * {@link #truncate truncates} it and either {@link #resumeAppending() resumes appending} or {@link #seal seals}
     * it.
     *
     * @throws CorruptStoreException if the file is missing, too large to be a value log or has a bad header
     */
    public static ValueLog open(FileAccess access, Path path, long segmentId, Lock appendLock, long growthLimit) {
        LogFile file = LogFile.open(access, path, true, "value log");
        try {
            long size = file.size();
            if (size > MAX_MAPPING) {
                throw new CorruptStoreException(path, MAX_MAPPING, "a value log is never larger than "
                        + MAX_MAPPING + " bytes; this one is " + size);
            }
            ValueLog log = new ValueLog(file, appendLock, growthLimit);
            log.map = file.map(size);
            long id = FileHeader.decode(log.map, FileHeader.Kind.VALUE_LOG, path);
            if (id != segmentId) {
                throw new CorruptStoreException(path, FileHeader.ID_OFFSET, "the header names segment " + id
                        + " but the file name says segment " + segmentId);
            }
            log.readableEnd = size;
            return log;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public Path file() {
        return file.path();
    }

    LogFile logFile() {
        return file;
    }

    /** The end of the log: where the next record goes. */
    public long end() {
        return file.end();
    }

    /** The whole mapped file, for recovery to scan before it truncates. */
    public ByteBuffer mappedForRecovery() {
        return map;
    }

    /** Cuts the file at {@code end}, dropping everything after it. For recovery, before appends resume. */
    public void truncate(long end) {
        file.truncate(end);
        readableEnd = Math.min(readableEnd, end);
    }

    /** Starts taking appends at the end of the file. */
    public void resumeAppending() {
        file.startAppending(BUFFER_SIZE, null, this::flushed);
    }

    /**
     * Lets readers reach records the writer has just flushed without taking the lock, as far as the mapping goes.
     * Called under the append lock, by the flush.
     */
    private void flushed(long flushedEnd) {
        MappedByteBuffer current = map;
        if (current != null) {
            readableEnd = Math.max(readableEnd, Math.min(flushedEnd, current.capacity()));
        }
    }

    LogAppender appender() {
        return file.appender();
    }

    /** Appends a record and returns its offset. The caller holds the append lock. */
    public long append(byte type, long timestamp, long expiry, byte[] key, byte[] value) {
        LogAppender appender = file.appender();
        long offset = appender.end();
        DataRecord.encodeHeader(header.clear(), type, timestamp, expiry, key, value);
        appender.append(header);
        appender.append(key);
        appender.append(value);
        return offset;
    }

    /** Appends a copy of the whole record at {@code record[start, start + length)} and returns its new offset. */
    public long appendCopy(ByteBuffer record, int start, int length) {
        LogAppender appender = file.appender();
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
        if (end > file.flushedEnd()) {
            file.flush();
        }
        long available = file.flushedEnd();
        if (end > available) {
            throw new IllegalStateException("Read of " + file() + " up to " + end + " passes its end " + available);
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
        file.reserve(target);
        return file.map(target);
    }

    /** Hands buffered records to the operating system. The caller holds the append lock. */
    public void flush() {
        file.flush();
    }

    /**
     * Stops appends for good: flushes, cuts the file at its end, syncs it, maps it whole and closes the file
     * (the mapping needs no open file). The caller holds the append lock.
     */
    public void seal() {
        if (!file.isOpen()) {
            return;
        }
        file.finishAppending();
        long end = file.end();
        if (map == null || map.capacity() < end) {
            map = file.map(end);
        }
        readableEnd = end;
        file.close();
    }

    /** Closes the file without writing anything more: after a write failed, the tail is left to recovery. */
    public void abandon() {
        file.close();
    }
}
