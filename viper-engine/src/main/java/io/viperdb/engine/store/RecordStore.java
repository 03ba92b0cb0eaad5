package io.viperdb.engine.store;

import io.viperdb.ReclaimResult;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.index.KeyDirectory;
import io.viperdb.engine.index.Location;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.ValueLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store of records beneath the codec: keys to byte values, in segments, indexed in memory.
 *
 * <p>Reads take no lock. Writes take the write lock, which also guards the active segment's buffers and the
 * segment list. After a write fails with an I/O error the store refuses further writes: the tail of the active
 * segment is in an unknown state, which only recovery (closing and opening the store) resolves.
 */
final class RecordStore {

    private static final byte[] NO_VALUE = {};

    private final Path directory;
    private final KeyDirectory index;
    private final Segments segments;
    private final ReentrantLock writeLock;
    private final ReentrantLock reclaimLock = new ReentrantLock();
    private final Clock clock;
    private final StoreLock lock;
    private volatile boolean closed;
    private volatile StoreIOException writeFailure;

    RecordStore(Path directory, KeyDirectory index, Segments segments, ReentrantLock writeLock, Clock clock,
            StoreLock lock) {
        this.directory = directory;
        this.index = index;
        this.segments = segments;
        this.writeLock = writeLock;
        this.clock = clock;
        this.lock = lock;
    }

    Path directory() {
        return directory;
    }

    /** The stored value bytes of {@code key}, checked against their checksum, or null when absent or expired. */
    ByteBuffer read(String key) {
        ensureOpen();
        Location location = index.get(key);
        if (location == null || expired(location)) {
            return null;
        }
        ValueLog values = location.segment().values();
        return DataRecord.value(values.bytes(location.end()), (int) location.offset(), location.length(), key,
                values.file());
    }

    boolean contains(String key) {
        ensureOpen();
        Location location = index.get(key);
        return location != null && !expired(location);
    }

    private boolean expired(Location location) {
        return location.expires() && location.expiredAt(clock.millis());
    }

    long size() {
        ensureOpen();
        return index.liveCount(clock.millis());
    }

    Set<String> keys() {
        ensureOpen();
        return Collections.unmodifiableSet(index.liveKeys(clock.millis()));
    }

    /** Writes a put record; {@code timeToLive} null means no expiry. */
    void put(String key, byte[] keyBytes, byte[] value, Duration timeToLive) {
        writeLock.lock();
        try {
            checkWritable();
            Segment active = activeWithRoom();
            long now = clock.millis();
            long expiry = timeToLive == null ? RecordHeader.NO_EXPIRY : expiryAfter(now, timeToLive);
            long offset = active.append(RecordHeader.PUT, now, expiry, keyBytes, value);
            index.put(key, new Location(active, offset, DataRecord.length(keyBytes.length, value.length), expiry));
        } catch (StoreIOException e) {
            throw failWrites(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes a delete record if {@code key} is live; returns whether it was. */
    boolean remove(String key, byte[] keyBytes) {
        writeLock.lock();
        try {
            checkWritable();
            Location location = index.get(key);
            if (location == null) {
                return false;
            }
            long now = clock.millis();
            if (location.expiredAt(now)) {
                // Its record says it has expired, so recovery drops it too: no delete record needed.
                index.remove(key);
                return false;
            }
            activeWithRoom().append(RecordHeader.DELETE, now, RecordHeader.NO_EXPIRY, keyBytes, NO_VALUE);
            index.remove(key);
            return true;
        } catch (StoreIOException e) {
            throw failWrites(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Rolls to a new segment before a write rather than after, so that a failed roll leaves the write undone. */
    private Segment activeWithRoom() {
        if (segments.active().values().end() >= segments.logFileSize()) {
            segments.roll();
        }
        return segments.active();
    }

    /**
     * The expiry of a record written at {@code now} to live {@code timeToLive}, rounded up to whole milliseconds.
     * A time to live too long to represent never expires in practice, and is kept as the latest expiry there is.
     */
    static long expiryAfter(long now, Duration timeToLive) {
        try {
            long millis = timeToLive.toMillis();
            if (timeToLive.getNano() % 1_000_000 != 0) {
                millis++;
            }
            return Math.min(Math.addExact(now, millis), RecordHeader.NO_EXPIRY - 1);
        } catch (ArithmeticException e) {
            return RecordHeader.NO_EXPIRY - 1;
        }
    }

    void flush() {
        writeLock.lock();
        try {
            checkWritable();
            segments.active().flush();
        } catch (StoreIOException e) {
            throw failWrites(e);
        } finally {
            writeLock.unlock();
        }
    }

    ReclaimResult reclaim() {
        reclaimLock.lock();
        try {
            checkWritable();
            return new Reclaimer(this, index, segments, writeLock, clock).run();
        } finally {
            reclaimLock.unlock();
        }
    }

    /** Seals the active segment (flush, cut, sync) and releases the lock; waits for a running reclaim. */
    void close() {
        reclaimLock.lock();
        try {
            writeLock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (writeFailure == null) {
                        segments.active().seal();
                    } else {
                        segments.active().abandon();
                    }
                } finally {
                    lock.release();
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            reclaimLock.unlock();
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new StoreClosedException(directory);
        }
    }

    /** Throws unless the store is open and no write has failed. The caller holds the write lock or the reclaim lock. */
    void checkWritable() {
        ensureOpen();
        StoreIOException failure = writeFailure;
        if (failure != null) {
            throw new StoreIOException("Store at " + directory + " refuses writes after an I/O failure ("
                    + failure.getMessage() + "); close it and open it again to recover", failure);
        }
    }

    /** Records the first write failure, after which the store refuses writes, and returns it to be thrown. */
    StoreIOException failWrites(StoreIOException failure) {
        if (writeFailure == null) {
            writeFailure = failure;
        }
        return failure;
    }
}
