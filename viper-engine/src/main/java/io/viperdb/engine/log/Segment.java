package io.viperdb.engine.log;

import io.viperdb.StoreIOException;
import io.viperdb.engine.format.DataRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * A value log and its key log, named by one segment id ({@code 00000007.vlog} and {@code 00000007.klog}). A store
 * is a sequence of segments; the last takes appends, the others are sealed: synced, closed and read through their
 * mappings only.
 */
public final class Segment {

    private final long id;
    private final ValueLog values;
    private final KeyLog keys;

    public Segment(long id, ValueLog values, KeyLog keys) {
        this.id = id;
        this.values = values;
        this.keys = keys;
    }

    /**
     * Creates the empty files of segment {@code id} in {@code directory}, headers synced, ready for appends.
     *
     * @param appendLock the lock every appender to this segment holds
     * @param logFileSize the size past which the store starts a new segment
     */
    public static Segment create(StoreDirectory directory, long id, Lock appendLock, long logFileSize) {
        ValueLog values = ValueLog.create(directory.access(), directory.valueLog(id), id, appendLock, logFileSize);
        try {
            return new Segment(id, values, KeyLog.create(directory.access(), directory.keyLog(id), id, values));
        } catch (RuntimeException e) {
            values.abandon();
            throw e;
        }
    }

    public long id() {
        return id;
    }

    public ValueLog values() {
        return values;
    }

    public KeyLog keys() {
        return keys;
    }

    /** Appends a record and its hint; returns the record's offset in the value log. */
    public long append(byte type, long timestamp, long expiry, byte[] key, byte[] value) {
        long offset = values.append(type, timestamp, expiry, key, value);
        keys.append(type, timestamp, expiry, key, value.length, offset);
        return offset;
    }

    /**
     * Appends a copy of the sound records, one after another, at {@code records[start, start + length)} in another
     * segment, and their hints; returns the new offset of the first. The records are copied as one block, which is
     * what makes a reclaim of small records cost about as much as a copy of their bytes.
     */
    public long appendCopy(ByteBuffer records, int start, int length) {
        long offset = values.appendCopy(records, start, length);
        DataRecord.walkBlock(records, start, length, at -> keys.appendFor(records, at, offset + (at - start)));
        return offset;
    }

    /** Hands buffered records to the operating system, values before hints. */
    public void flush() {
        values.flush();
        keys.flush();
    }

    /**
     * Flushes both logs and returns what forces them to the device, which the caller runs after releasing the append
     * lock so that writers go on meanwhile.
     */
    public PendingSync flushForSync() {
        flush();
        return new PendingSync(this);
    }

    /**
     * Notes in {@code marks} that this segment's value log is on the device up to its end. Only after it was forced
     * there (sealed); the caller holds the append lock.
     *
     * @param force whether to force the mark to the device too
     */
    public void markSynced(SyncMarkFile marks, boolean force) {
        marks.record(id, values.end(), values.lastRecordOffset(), values.lastRecordCrc(), force);
    }

    /** The files of a segment as they were flushed, to be forced to the device values first. */
    public static final class PendingSync {
        private final long id;
        private final LogFile values;
        private final LogFile keys;
        private final FileChannel valueChannel;
        private final FileChannel keyChannel;
        private final long valueLogEnd;
        private final long lastRecordOffset;
        private final int lastRecordCrc;

        /** Taken under the append lock, right after a flush: the value log's end is a record boundary. */
        PendingSync(Segment segment) {
            this.id = segment.id;
            this.values = segment.values.logFile();
            this.keys = segment.keys.logFile();
            this.valueChannel = values.channel();
            this.keyChannel = keys.channel();
            this.valueLogEnd = segment.values.end();
            this.lastRecordOffset = segment.values.lastRecordOffset();
            this.lastRecordCrc = segment.values.lastRecordCrc();
        }

        /** After {@link #force()} returned: notes in {@code marks} that the value log is on the device this far. */
        public void markSynced(SyncMarkFile marks) {
            marks.record(id, valueLogEnd, lastRecordOffset, lastRecordCrc, false);
        }

        /**
         * Forces the value log, then the key log. A file that was closed since has been sealed, and sealing synced
         * it, or the store has failed, which its owner checks.
         */
        public void force() {
            force(valueChannel, values.path());
            force(keyChannel, keys.path());
        }

        private static void force(FileChannel channel, Path path) {
            if (channel == null) {
                return;
            }
            try {
                channel.force(false);
            } catch (ClosedChannelException e) {
                // Sealed (and synced) by a roll or close while this sync ran.
            } catch (IOException e) {
                throw new StoreIOException(path, "syncing", e);
            }
        }
    }

    /** Stops appends for good: both files are flushed, synced and closed (see {@link ValueLog#seal()}). */
    public void seal() {
        values.seal();
        keys.seal();
    }

    /** Closes both files without writing anything more, and releases the value log's mapping. */
    public void abandon() {
        values.abandon();
        keys.abandon();
    }

    /**
     * Releases the value log's mapping: readers that come later find the segment gone (and look again, or find the
     * store closed), and it is unmapped once the reads under way have ended. Never waits.
     */
    public void release() {
        values.release();
    }

    /** After {@link #release()}, waits until the mapping is unmapped (see {@link ValueLog#awaitReleased()}). */
    public void awaitReleased() {
        values.awaitReleased();
    }

    /** The bytes this segment's data takes in its files. */
    public long sizeInBytes() {
        return values.end() + keys.end();
    }

    /** Deletes both files; {@link #release()} the mapping first, so that the disk space comes back at once. */
    public void deleteFiles(StoreDirectory directory) {
        for (Path file : List.of(values.file(), keys.file())) {
            try {
                directory.access().deleteIfExists(file);
            } catch (IOException e) {
                throw new StoreIOException(file, "deleting", e);
            }
        }
    }

    @Override
    public String toString() {
        return "segment " + id;
    }
}
