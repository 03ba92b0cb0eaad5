package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.format.RecordVerdict;
import io.viperdb.engine.io.FileAccess;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One key log file: a hint per value log record (see {@link HintRecord} for the layout), appended through a buffer
 * that never reaches the file before the value log's, and read front to back when the store opens.
 */
public final class KeyLog {

    private static final int BUFFER_SIZE = 32 << 10;
    private static final int READ_CHUNK = 1 << 20;

    private final LogFile file;
    private long listsRecordsBelow = Long.MAX_VALUE;
    private final ByteBuffer scratch = ByteBuffer.allocate(HintRecord.length(KeyValueStore.MAX_KEY_BYTES));

    private KeyLog(LogFile file) {
        this.file = file;
    }

    /** Creates a new, empty key log for the value log {@code values}; its header is synced before this returns. */
    public static KeyLog create(FileAccess access, Path path, long segmentId, ValueLog values) {
        KeyLog log = new KeyLog(LogFile.create(access, path, FileHeader.encode(FileHeader.Kind.KEY_LOG, segmentId)));
        log.resumeAppending(values);
        return log;
    }

    /**
     * Opens a key log for recovery, creating an empty file if it is missing (a key log is rebuilt from its value log
     * when it is missing or damaged, so its absence is no reason to refuse to open).
     */
    public static KeyLog openForRecovery(FileAccess access, Path path) {
        return new KeyLog(LogFile.open(access, path, false, "key log"));
    }

    /**
     * Opens a key log for reading only, for a store opened read-only: a missing file reads as empty and is not
     * created; recovery then {@link #stopAt stops} it where its sound hints end.
     */
    public static KeyLog openReadOnly(FileAccess access, Path path) {
        return new KeyLog(LogFile.openReadOnly(access, path, false, "key log"));
    }

    /**
     * For a store opened read-only: takes {@code end} as the end of the hints that recovery trusted, without changing
     * the file, notes that they list the value log's records below {@code hintedEnd} only (those after were found in
     * the value log and are indexed in memory), and closes the file.
     */
    public void stopAt(long end, long hintedEnd) {
        file.endAt(end);
        listsRecordsBelow = hintedEnd;
        file.close();
    }

    /**
     * The value log offset below which this key log lists every record: the whole value log, except in a store
     * opened read-only whose key log lagged behind (see {@link #stopAt}).
     */
    public long listsRecordsBelow() {
        return listsRecordsBelow;
    }

    public Path file() {
        return file.path();
    }

    LogFile logFile() {
        return file;
    }

    /** Where the next hint goes. */
    public long end() {
        return file.end();
    }

    /** How a {@link #replay} ended. */
    public enum Outcome {
        /** Every byte of the file was read as a sound hint. */
        CLEAN,
        /** The file ends in a partial hint, or in an unsound one followed only by zeros: an interrupted append. */
        TORN,
        /** An unsound hint is followed by more data: the file is damaged. */
        DAMAGED,
        /** The visitor refused a hint. */
        STOPPED,
        /** The file header is missing, damaged or names another segment. */
        NO_HEADER
    }

    /**
     * @param soundEnd the end of the last hint accepted (the file header's end when none was, 0 when the header was
     *     not accepted)
     * @param outcome why the replay ended there
     */
    public record Replay(long soundEnd, Outcome outcome) {
    }

    /** Receives the hints of a {@link #replay}. */
    @FunctionalInterface
    public interface HintVisitor {
        /**
         * Takes the sound hint at {@code bytes[start, start + length)}, read with the accessors of
         * {@link HintRecord} and {@link io.viperdb.engine.format.RecordHeader}, found at {@code fileOffset} in the key
         * log.
         *
         * @return false to stop the replay before this hint
         */
        boolean accept(ByteBuffer bytes, int start, int length, long fileOffset);
    }

    /** Reads every sound hint, in order, until the end of the file or the first hint that is not sound. */
    public Replay replay(long segmentId, HintVisitor visitor) {
        return replay(segmentId, FileHeader.SIZE, visitor);
    }

    /**
     * Reads the sound hints from {@code from}, the end of a hint (or of the file header) that the caller knows, as
     * {@link #replay(long, HintVisitor)} reads them from the start: for an open that knows the hints before it from
     * the index file. The file header is checked all the same.
     */
    public Replay replay(long segmentId, long from, HintVisitor visitor) {
        return replay(file::readFully, file.size(), file(), segmentId, from, visitor);
    }

    /**
     * Reads the hints of the key log {@code path} up to {@code end} without opening it for writing, as
     * {@link #replay(long, HintVisitor)} does: for checking and copying a store while it runs.
     */
    public static Replay replay(Path path, long end, long segmentId, HintVisitor visitor) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return replay((dst, position) -> LogFile.readFully(channel, dst, position, path),
                    Math.min(end, channel.size()), path, segmentId, FileHeader.SIZE, visitor);
        } catch (NoSuchFileException e) {
            return new Replay(0, Outcome.NO_HEADER);
        } catch (IOException e) {
            throw new StoreIOException(path, "reading", e);
        }
    }

    /** Where a replay reads from. */
    private interface Source {
        void readFully(ByteBuffer dst, long position);
    }

    private static Replay replay(Source source, long size, Path path, long segmentId, long from,
            HintVisitor visitor) {
        ByteBuffer header = ByteBuffer.allocate(FileHeader.SIZE);
        source.readFully(header, 0);
        header.flip();
        header.limit((int) Math.min(header.limit(), size));
        if (!headerNames(header, path, segmentId)) {
            return new Replay(0, Outcome.NO_HEADER);
        }
        // The buffer holds what there is to read, up to a chunk: an open from the index file, which reads only the
        // hints past what it covers (usually none), must not pay for a chunk it does not use.
        long bufferStart = Math.max(from, FileHeader.SIZE);
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(size - bufferStart, READ_CHUNK)));
        source.readFully(buffer, bufferStart);
        buffer.flip();
        int position = 0;
        while (true) {
            int length = HintRecord.inspect(buffer, position, buffer.limit());
            if (RecordVerdict.isIncomplete(length) && bufferStart + buffer.limit() < size) {
                // The hint runs past what was read: keep its start and read on.
                long readFrom = bufferStart + buffer.limit();
                buffer.position(position).compact();
                bufferStart += position;
                position = 0;
                buffer.limit((int) Math.min(buffer.capacity(), size - bufferStart));
                source.readFully(buffer, readFrom);
                buffer.flip();
                continue;
            }
            long at = bufferStart + position;
            if (RecordVerdict.isIncomplete(length)) {
                return new Replay(at, at == size ? Outcome.CLEAN : Outcome.TORN);
            }
            if (RecordVerdict.isInvalid(length)) {
                return new Replay(at, onlyZerosFrom(source, at, size) ? Outcome.TORN : Outcome.DAMAGED);
            }
            if (!visitor.accept(buffer, position, length, at)) {
                return new Replay(at, Outcome.STOPPED);
            }
            position += length;
        }
    }

    private static boolean headerNames(ByteBuffer buffer, Path path, long segmentId) {
        try {
            return FileHeader.decode(buffer, FileHeader.Kind.KEY_LOG, path) == segmentId;
        } catch (CorruptStoreException e) {
            return false;
        }
    }

    private static boolean onlyZerosFrom(Source source, long from, long size) {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(READ_CHUNK, Math.max(1, size - from)));
        for (long at = from; at < size; at += chunk.limit()) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - at));
            source.readFully(chunk, at);
            chunk.flip();
            if (!chunk.hasRemaining()) {
                return true;
            }
            while (chunk.hasRemaining()) {
                if (chunk.get() != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Empties the file and writes a fresh header, for a key log that is rebuilt from its value log. */
    public void rewriteHeader(long segmentId) {
        file.rewrite(FileHeader.encode(FileHeader.Kind.KEY_LOG, segmentId));
    }

    /** Cuts the file at {@code end}. For recovery, before appends resume. */
    public void truncate(long end) {
        file.truncate(end);
    }

    /** Starts taking appends at the end of the file, never flushing ahead of {@code values}. */
    public void resumeAppending(ValueLog values) {
        file.startAppending(BUFFER_SIZE, values.appender(), flushed -> { });
    }

    /** Appends the hint of a record just appended to the value log. The caller holds the append lock. */
    public void append(byte type, long timestamp, long expiry, byte[] key, int valueLength, long recordOffset) {
        HintRecord.write(scratch.clear(), type, timestamp, expiry, key, valueLength, recordOffset);
        file.appender().append(scratch.flip());
    }

    /** Appends the hint of the sound value log record at {@code record[start...]}, found at {@code recordOffset}. */
    public void appendFor(ByteBuffer record, int start, long recordOffset) {
        HintRecord.writeFor(scratch.clear(), record, start, recordOffset);
        file.appender().append(scratch.flip());
    }

    /** Hands buffered hints to the operating system (after the value log's buffer). */
    public void flush() {
        file.flush();
    }

    /** Flushes and forces the hints to the device. */
    public void sync() {
        file.sync();
    }

    /** Stops appends for good: flushes, syncs and closes the file. */
    public void seal() {
        if (file.isOpen()) {
            file.finishAppending();
            file.close();
        }
    }

    /** Closes the file without writing anything more. */
    public void abandon() {
        file.close();
    }
}
