package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.format.SyncMark;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.io.MappedRegion;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>Reads need no lock: a reader {@link #enter enters} the current {@link Mapping} when the bytes it wants are
 * already in the file and mapped (every flush moves that point on), and exits it when done. Only a read of bytes
 * still in the write buffer, or past the mapping, takes the append lock first, to flush the buffer or map more.
 *
 * <p>Mappings are released deterministically, never by the garbage collector: a remap retires the smaller mapping,
 * which is unmapped as soon as its last reader leaves, and {@link #release()} (the segment was deleted, or the store
 * closed) retires the last one, after which {@link #enter} returns null. See {@link Mapping} for the protocol.
 *
 * <p>A value log never grows past {@link #MAX_SIZE}, so that one mapping covers it and every offset is an
 * {@code int}: the store rolls to a new segment before a record would cross it (and with the largest log file size
 * and the largest record a segment stays below it anyway: see {@link #MAX_SIZE}).
 */
public final class ValueLog {

    /**
     * The largest a value log can be: 2 GiB - 1, the most one mapping and an {@code int} offset can reach. A store
     * rolls to a new segment once the value log reaches the log file size (at most
     * {@link StoreOptions#MAX_LOG_FILE_SIZE}, 1 GiB), before the next write; that write is at most one record of a
     * key of {@link KeyValueStore#MAX_KEY_BYTES} and a value of {@link KeyValueStore#MAX_VALUE_BYTES} (1023 MiB), or a
     * batch of at most {@code MAX_VALUE_BYTES}, so a segment ends before 1 GiB + 1023 MiB + 4 KiB + a header. The
     * store checks the bound before every write all the same, and rolls early if a record would cross it.
     */
    public static final long MAX_SIZE = Integer.MAX_VALUE;

    private static final int BUFFER_SIZE = 64 << 10;
    private static final long MIN_MAPPING = 1 << 20;
    private static final long RELEASE_TIMEOUT_SECONDS = 10;

    private final LogFile file;
    private final Lock appendLock;
    private final long growthLimit;
    private final ByteBuffer header = ByteBuffer.allocate(RecordHeader.SIZE);
    private volatile Mapping map;
    /** Mappings replaced while a reader was still inside: unmapped when it leaves, awaited by a release. */
    private final Queue<Mapping> replaced = new ConcurrentLinkedQueue<>();
    private volatile long mappedEnd;
    private volatile boolean released;
    /** Where the last record appended (or kept by recovery) starts, -1 if none; guarded by the append lock. */
    private long lastRecordOffset = -1;
    /** The checksum field of that record. */
    private int lastRecordCrc;

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
     * {@link #truncate truncates} it and either {@link #resumeAppending(long, int) resumes appending} or {@link #seal seals}
     * it.
     *
     * @throws CorruptStoreException if the file is missing, too large to be a value log or has a bad header
     */
    public static ValueLog open(FileAccess access, Path path, long segmentId, Lock appendLock, long growthLimit) {
        return open(LogFile.open(access, path, true, "value log"), path, segmentId, appendLock, growthLimit);
    }

    /**
     * Opens an existing value log as {@link #open} does, but for reading only: the file is opened read-only and is
     * never written. Recovery then {@link #stopAt stops} it where its data ends.
     */
    public static ValueLog openReadOnly(FileAccess access, Path path, long segmentId, Lock appendLock) {
        return open(LogFile.openReadOnly(access, path, true, "value log"), path, segmentId, appendLock, 0);
    }

    private static ValueLog open(LogFile file, Path path, long segmentId, Lock appendLock, long growthLimit) {
        ValueLog log = new ValueLog(file, appendLock, growthLimit);
        try {
            long size = file.size();
            if (size > MAX_SIZE) {
                throw new CorruptStoreException(path, MAX_SIZE, "a value log is never larger than "
                        + MAX_SIZE + " bytes; this one is " + size);
            }
            log.map = new Mapping(file.map(size));
            long id = FileHeader.decode(log.map.buffer(), FileHeader.Kind.VALUE_LOG, path);
            if (id != segmentId) {
                throw new CorruptStoreException(path, FileHeader.ID_OFFSET, "the header names segment " + id
                        + " but the file name says segment " + segmentId);
            }
            log.mappedEnd = size;
            return log;
        } catch (RuntimeException e) {
            log.abandon();
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

    /**
     * The whole mapped file, for recovery to scan before it truncates. Unguarded: only for the thread that opens the
     * store, before any other thread can reach the log.
     */
    public ByteBuffer mappedForRecovery() {
        return map.buffer();
    }

    /** Cuts the file at {@code end}, dropping everything after it. For recovery, before appends resume. */
    public void truncate(long end) {
        file.truncate(end);
        mappedEnd = Math.min(mappedEnd, end);
    }

    /**
     * Starts taking appends at the end of the file, whose last record starts at {@code lastRecordOffset} (-1 if
     * there is none) with checksum field {@code lastRecordCrc}: what a {@link SyncMark} names.
     */
    public void resumeAppending(long lastRecordOffset, int lastRecordCrc) {
        this.lastRecordOffset = lastRecordOffset;
        this.lastRecordCrc = lastRecordCrc;
        file.startAppending(BUFFER_SIZE, null, this::flushed);
    }

    /** Where the last record starts, or -1 if the log has none. The caller holds the append lock. */
    public long lastRecordOffset() {
        return lastRecordOffset;
    }

    /** The checksum field of the last record. The caller holds the append lock. */
    public int lastRecordCrc() {
        return lastRecordCrc;
    }

    /**
     * Lets readers reach records the writer has just flushed without taking the lock, as far as the mapping goes.
     * Called under the append lock, by the flush.
     */
    private void flushed(long flushedEnd) {
        Mapping current = map;
        if (current != null) {
            mappedEnd = Math.max(mappedEnd, Math.min(flushedEnd, current.size()));
        }
    }

    LogAppender appender() {
        return file.appender();
    }

    /** Appends a record and returns its offset. The caller holds the append lock. */
    public long append(byte type, long timestamp, long expiry, byte[] key, byte[] value) {
        LogAppender appender = file.appender();
        long offset = appender.end();
        checkRoom(offset, DataRecord.length(key.length, value.length));
        DataRecord.encodeHeader(header.clear(), type, timestamp, expiry, key, value);
        appender.append(header);
        appender.append(key);
        appender.append(value);
        lastRecordOffset = offset;
        lastRecordCrc = header.getInt(RecordHeader.CRC_OFFSET);
        return offset;
    }

    /**
     * Appends a copy of the whole records at {@code records[start, start + length)}, as one block, and returns the
     * new offset of the first.
     */
    public long appendCopy(ByteBuffer records, int start, int length) {
        LogAppender appender = file.appender();
        long offset = appender.end();
        checkRoom(offset, length);
        appender.append(records.slice(start, length));
        // The block's records were checked whole by the caller, so their lengths can be followed to the last one.
        int last = DataRecord.walkBlock(records, start, length, at -> { });
        lastRecordOffset = offset + (last - start);
        lastRecordCrc = records.getInt(last + RecordHeader.CRC_OFFSET);
        return offset;
    }

    /** Whether a record of {@code length} bytes can still be appended without the log passing {@link #MAX_SIZE}. */
    public boolean hasRoomFor(long length) {
        return end() + length <= MAX_SIZE;
    }

    private void checkRoom(long offset, long length) {
        if (offset + length > MAX_SIZE) {
            // The store rolls before this can happen (see MAX_SIZE): reaching it is a bug, refused before any byte.
            throw new IllegalStateException("A record of " + length + " bytes at offset " + offset + " would take "
                    + file() + " past " + MAX_SIZE + " bytes, the most one mapping covers");
        }
    }

    /**
     * Enters, as a reader, a mapping in which the bytes {@code [0, end)} of the file can be read by absolute position;
     * {@code end} must not pass {@link #end()}. The caller reads {@link Mapping#buffer()} (without changing its
     * position or limit) and then calls {@link Mapping#exit()} on the same thread, in a {@code finally}, after which it
     * keeps no view of the buffer.
     *
     * @return the mapping entered, or null if the log's mappings have been {@link #release() released}: the segment
     *     was deleted by a reclaim, or the store closed
     */
    public Mapping enter(long end) {
        while (true) {
            Mapping current = map;
            if (current != null && end <= mappedEnd && end <= current.size()) {
                if (current.enter()) {
                    return current;
                }
                // Retired: replaced by a larger mapping (published before the retirement), or released.
                if (released) {
                    return null;
                }
                continue;
            }
            if (released) {
                return null;
            }
            appendLock.lock();
            try {
                if (released) {
                    return null;
                }
                makeReadable(end);
            } finally {
                appendLock.unlock();
            }
        }
    }

    private void makeReadable(long end) {
        if (end > file.flushedEnd()) {
            file.flush();
        }
        long available = file.flushedEnd();
        if (end > available) {
            throw new IllegalStateException("Read of " + file() + " up to " + end + " passes its end " + available);
        }
        Mapping current = map;
        if (current == null || current.size() < end) {
            current = replaceMapping(new Mapping(mapAtLeast(end)));
        }
        mappedEnd = Math.min(available, current.size());
    }

    /** Publishes {@code next} and retires the mapping it replaces, which is unmapped once its readers have left. */
    private Mapping replaceMapping(Mapping next) {
        Mapping previous = map;
        map = next;
        if (previous != null) {
            previous.retire();
            replaced.removeIf(Mapping::isUnmapped);
            if (!previous.isUnmapped()) {
                replaced.add(previous);
            }
        }
        return next;
    }

    private MappedRegion mapAtLeast(long end) {
        long mapped = map == null ? 0 : map.size();
        long target = Math.max(end, Math.min(Math.max(2 * mapped, MIN_MAPPING), growthLimit));
        target = Math.min(MAX_SIZE, (target + MIN_MAPPING - 1) / MIN_MAPPING * MIN_MAPPING);
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
        if (map == null || map.size() < end) {
            replaceMapping(new Mapping(file.map(end)));
        }
        mappedEnd = end;
        file.close();
    }

    /**
     * For a store opened read-only: takes {@code end} as the end of the log's data without changing the file, so that
     * what follows (a torn tail, which a writable open would cut) is never read, and closes the file (the mapping,
     * which covers the whole file, needs no open file). The log takes no appends.
     */
    public void stopAt(long end) {
        file.endAt(end);
        mappedEnd = Math.min(mappedEnd, end);
        file.close();
    }

    /**
     * Closes the file without writing anything more (after a write failed, the tail is left to recovery) and
     * releases the mapping.
     */
    public void abandon() {
        file.close();
        release();
    }

    /**
     * Releases the mapping for good: no reader gets in any more ({@link #enter} returns null), and it is unmapped as
     * soon as the readers inside have left (at once if there are none). Never waits; see {@link #awaitReleased()}.
     * For a segment whose files are deleted, and for a store that closes.
     */
    public void release() {
        released = true;
        Mapping current = map;
        if (current != null) {
            current.retire();
        }
    }

    /**
     * After {@link #release()}, waits until every mapping the log made is unmapped: at once unless a read is under
     * way, and then for as long as it lasts (after 10 s a warning is logged and the wait given up; the last reader
     * out unmaps it all the same). The caller holds no lock that a reader could need.
     */
    public void awaitReleased() {
        for (Mapping old : replaced) {
            old.awaitUnmapped(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS, file());
        }
        Mapping current = map;
        if (current != null) {
            current.awaitUnmapped(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS, file());
        }
    }
}
