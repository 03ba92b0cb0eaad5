package io.viperdb.engine.log;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreIOException;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One key log file: a hint per value log record (see {@link HintRecord} for the layout), appended through a buffer
 * that never reaches the file before the value log's, and read front to back when the store opens.
 */
public final class KeyLog {

    private static final int BUFFER_SIZE = 32 << 10;
    private static final int READ_CHUNK = 1 << 20;

    private final Path file;
    private final ByteBuffer scratch = ByteBuffer.allocate(HintRecord.length(KeyValueStore.MAX_KEY_BYTES));
    private FileChannel channel;
    private LogAppender appender;
    private long sealedEnd;

    private KeyLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Creates a new, empty key log for the value log {@code values}; its header is synced before this returns. */
    public static KeyLog create(Path file, long segmentId, ValueLog values) {
        KeyLog log = new KeyLog(file, LogFiles.create(file));
        log.writeHeader(segmentId);
        log.resumeAppending(values);
        return log;
    }

    /**
     * Opens a key log for recovery, creating an empty file if it is missing (a key log is rebuilt from its value log
     * when it is missing or damaged, so its absence is no reason to refuse to open).
     */
    public static KeyLog openForRecovery(Path file) {
        try {
            KeyLog log = new KeyLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
            log.sealedEnd = log.channel.size();
            return log;
        } catch (IOException e) {
            throw new StoreIOException(file, "opening", e);
        }
    }

    public Path file() {
        return file;
    }

    /** Where the next hint goes. */
    public long end() {
        return appender != null ? appender.end() : sealedEnd;
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
     * @param validEnd the end of the last hint accepted (the file header's end when none was, 0 when the header was
     *     not accepted)
     * @param outcome why the replay ended there
     */
    public record Replay(long validEnd, Outcome outcome) {
    }

    /** Receives the hints of a {@link #replay}. */
    @FunctionalInterface
    public interface HintVisitor {
        /**
         * Takes the sound hint at {@code bytes[start, start + length)}, read with the accessors of
         * {@link HintRecord} and {@link io.viperdb.engine.format.RecordHeader}.
         *
         * @return false to stop the replay before this hint
         */
        boolean accept(ByteBuffer bytes, int start, int length);
    }

    /** Reads every sound hint, in order, until the end of the file or the first hint that is not sound. */
    public Replay replay(long segmentId, HintVisitor visitor) {
        try {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(FileHeader.SIZE, Math.min(size, READ_CHUNK)));
            long bufferStart = 0;
            readFully(buffer, 0);
            buffer.flip();
            if (!headerNames(buffer, segmentId)) {
                return new Replay(0, Outcome.NO_HEADER);
            }
            int position = FileHeader.SIZE;
            while (true) {
                int length = HintRecord.check(buffer, position, buffer.limit());
                if (length == HintRecord.INCOMPLETE && bufferStart + buffer.limit() < size) {
                    long readFrom = bufferStart + buffer.limit();
                    buffer.position(position).compact();
                    bufferStart += position;
                    position = 0;
                    readFully(buffer, readFrom);
                    buffer.flip();
                    continue;
                }
                long at = bufferStart + position;
                if (length == HintRecord.INCOMPLETE) {
                    return new Replay(at, at == size ? Outcome.CLEAN : Outcome.TORN);
                }
                if (length == HintRecord.INVALID) {
                    return new Replay(at, onlyZerosFrom(at, size) ? Outcome.TORN : Outcome.DAMAGED);
                }
                if (!visitor.accept(buffer, position, length)) {
                    return new Replay(at, Outcome.STOPPED);
                }
                position += length;
            }
        } catch (IOException e) {
            throw new StoreIOException(file, "reading", e);
        }
    }

    private boolean headerNames(ByteBuffer buffer, long segmentId) {
        try {
            return FileHeader.decode(buffer, FileHeader.Kind.KEY_LOG, file) == segmentId;
        } catch (CorruptStoreException e) {
            return false;
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                return;
            }
            at += n;
        }
    }

    private boolean onlyZerosFrom(long from, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(READ_CHUNK, Math.max(1, size - from)));
        for (long at = from; at < size; ) {
            chunk.clear();
            readFully(chunk, at);
            chunk.flip();
            if (!chunk.hasRemaining()) {
                return true;
            }
            while (chunk.hasRemaining()) {
                if (chunk.get() != 0) {
                    return false;
                }
            }
            at += chunk.limit();
        }
        return true;
    }

    /** Empties the file and writes a fresh header, for a key log that is rebuilt from its value log. */
    public void rewriteHeader(long segmentId) {
        truncate(0);
        writeHeader(segmentId);
    }

    private void writeHeader(long segmentId) {
        try {
            channel.write(FileHeader.encode(FileHeader.Kind.KEY_LOG, segmentId), 0);
            channel.force(true);
        } catch (IOException e) {
            LogFiles.closeQuietly(channel);
            throw new StoreIOException(file, "writing the header of", e);
        }
        sealedEnd = FileHeader.SIZE;
    }

    /** Cuts the file at {@code end}. For recovery, before appends resume. */
    public void truncate(long end) {
        try {
            channel.truncate(end);
        } catch (IOException e) {
            throw new StoreIOException(file, "truncating", e);
        }
        sealedEnd = end;
    }

    /** Starts taking appends at the end of the file, never flushing ahead of {@code values}. */
    public void resumeAppending(ValueLog values) {
        appender = new LogAppender(file, channel, sealedEnd, BUFFER_SIZE, values.appender());
    }

    /** Appends the hint of a record just appended to the value log. The caller holds the append lock. */
    public void append(byte type, long timestamp, long expiry, byte[] key, int valueLength, long recordOffset) {
        HintRecord.write(scratch.clear(), type, timestamp, expiry, key, valueLength, recordOffset);
        appender.append(scratch.flip());
    }

    /** Appends the hint of the sound value log record at {@code record[start...]}, found at {@code recordOffset}. */
    public void appendFor(ByteBuffer record, int start, long recordOffset) {
        HintRecord.writeFor(scratch.clear(), record, start, recordOffset);
        appender.append(scratch.flip());
    }

    public void flush() {
        if (appender != null) {
            appender.flush();
        }
    }

    public void sync() {
        if (appender != null) {
            appender.sync();
        }
    }

    /** Stops appends for good: flushes, syncs and closes the file. */
    public void seal() {
        if (channel == null) {
            return;
        }
        long end = end();
        if (appender != null) {
            appender.sync();
        } else {
            try {
                channel.force(true);
            } catch (IOException e) {
                throw new StoreIOException(file, "syncing", e);
            }
        }
        appender = null;
        sealedEnd = end;
        LogFiles.closeQuietly(channel);
        channel = null;
    }

    /** Closes the file without writing anything more. */
    public void abandon() {
        appender = null;
        LogFiles.closeQuietly(channel);
        channel = null;
    }
}
