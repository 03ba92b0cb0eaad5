package io.viperdb.engine.log;

import io.viperdb.StoreIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Appends to a file through a buffer, so that a small write costs a memory copy and not a system call.
 *
 * <p>Not thread-safe: the callers hold the lock that guards the log. Only {@link #flushedEnd()} may be read without
 * it, by readers that need to know whether the bytes they want are in the file yet.
 *
 * <p>The buffer is allocated by the first append: a store opened to be read, or closed before it writes, never needs
 * it. (Its memory is fresh, which costs a page fault per 4 KiB touched; the two buffers of the active segment were
 * about a third of a millisecond of every open.)
 */
final class LogAppender {

    private final Path file;
    private final FileChannel channel;
    private final int bufferSize;
    /** Null until the first append. */
    private ByteBuffer buffer;
    private final LogAppender flushFirst;
    private final LongConsumer afterFlush;
    private volatile long flushedEnd;

    /**
     * @param position where the next byte goes in the file
     * @param flushFirst an appender whose buffer must reach the file before this one's does (the value log before
     *     the key log, so that no hint ever points past the values that are in the file), or null
     * @param afterFlush told the new flushed end after each flush (the value log lets readers read it at once)
     */
    LogAppender(Path file, FileChannel channel, long position, int bufferSize, LogAppender flushFirst,
            LongConsumer afterFlush) {
        this.file = file;
        this.channel = channel;
        this.bufferSize = bufferSize;
        this.flushFirst = flushFirst;
        this.afterFlush = afterFlush;
        this.flushedEnd = position;
    }

    /** Where the next appended byte goes. */
    long end() {
        ByteBuffer pending = buffer;
        return pending == null ? flushedEnd : flushedEnd + pending.position();
    }

    /** The end of the bytes handed to the operating system; everything before it can be read from the file. */
    long flushedEnd() {
        return flushedEnd;
    }

    void append(ByteBuffer src) {
        if (src.remaining() >= bufferSize) {
            writeThrough(src);
            return;
        }
        ByteBuffer buffer = buffer();
        while (src.hasRemaining()) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(src.remaining(), buffer.remaining());
            buffer.put(buffer.position(), src, src.position(), n);
            buffer.position(buffer.position() + n);
            src.position(src.position() + n);
        }
    }

    void append(byte[] src) {
        ByteBuffer buffer = buffer();
        for (int offset = 0; offset < src.length; ) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(src.length - offset, buffer.remaining());
            buffer.put(src, offset, n);
            offset += n;
        }
    }

    private ByteBuffer buffer() {
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(bufferSize);
        }
        return buffer;
    }

    /**
     * Writes a block at least as large as the buffer straight to the file, after the buffered bytes: copying it
     * through the buffer would only cost a copy and more system calls. Unlike {@link #flush()}, a failure leaves
     * the block's bytes nowhere to be written again, so a log whose append failed is abandoned (as the store does).
     */
    private void writeThrough(ByteBuffer src) {
        if (flushFirst != null) {
            flushFirst.flush();
        }
        flush();
        long position = flushedEnd;
        try {
            while (src.hasRemaining()) {
                position += channel.write(src, position);
            }
        } catch (IOException e) {
            throw new StoreIOException(file, "writing to", e);
        }
        flushedEnd = position;
        afterFlush.accept(position);
    }

    /** Hands the buffered bytes to the operating system (after those of {@code flushFirst}). */
    void flush() {
        if (buffer == null || buffer.position() == 0) {
            return;
        }
        if (flushFirst != null) {
            flushFirst.flush();
        }
        // Written from a view, so that the buffer keeps every byte until they are all in the file: after a failed
        // write, a later flush writes the same bytes at the same place again.
        ByteBuffer pending = buffer.duplicate().flip();
        long position = flushedEnd;
        try {
            while (pending.hasRemaining()) {
                position += channel.write(pending, position);
            }
        } catch (IOException e) {
            throw new StoreIOException(file, "writing to", e);
        }
        buffer.clear();
        flushedEnd = position;
        afterFlush.accept(position);
    }
}
