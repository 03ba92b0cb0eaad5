package io.viperdb.bench.lifecycle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * What the disk under a store can write sequentially, measured in the same run as the store's compaction, so that a
 * compaction's write rate is quoted as a fraction of what the machine could do at that moment, not of a figure taken
 * on another day: {@code bytes} written to a new file with a {@link FileChannel} in {@value #BUFFER_BYTES}-byte
 * writes, then {@code force}, timed together, and the file deleted.
 */
public final class SequentialWrite {

    /** Large enough that the system calls cost nothing next to the copy and the device. */
    static final int BUFFER_BYTES = 8 << 20;

    private SequentialWrite() {
    }

    /**
     * Writes and forces {@code bytes} bytes to the new file {@code file} (it must not exist), deletes it, and returns
     * the milliseconds the writes and the force took.
     */
    public static double millis(Path file, long bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        // Random bytes, as the stores' values are, so that a compressing file system gains nothing here either.
        byte[] random = new byte[BUFFER_BYTES];
        new SplittableRandom(7).nextBytes(random);
        buffer.put(random).flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            for (long written = 0; written < bytes; ) {
                buffer.clear().limit((int) Math.min(BUFFER_BYTES, bytes - written));
                while (buffer.hasRemaining()) {
                    written += channel.write(buffer);
                }
            }
            channel.force(true);
            return (System.nanoTime() - start) / 1e6;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
