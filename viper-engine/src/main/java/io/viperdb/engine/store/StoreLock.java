package io.viperdb.engine.store;

import io.viperdb.StoreIOException;
import io.viperdb.StoreLockedException;
import io.viperdb.engine.log.StoreDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-opener rule: an operating-system lock on {@code viper.lock} keeps out other processes, and a set of held
 * directories keeps out a second opener in this JVM.
 *
 * <p>The set is checked first for a reason: on POSIX systems, closing any channel on a file releases every lock the
 * process holds on it, so a second opener in the same JVM must never open (and close) the lock file. The lock dies
 * with the process that holds it, so a crash leaves nothing that blocks the next opener.
 */
final class StoreLock {

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path heldPath;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path heldPath, FileChannel channel, FileLock lock) {
        this.heldPath = heldPath;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the store in {@code directory}, which exists.
     *
     * @throws StoreLockedException if another opener holds it
     */
    static StoreLock acquire(StoreDirectory directory) {
        Path real;
        try {
            real = directory.path().toRealPath();
        } catch (IOException e) {
            throw new StoreIOException(directory.path(), "resolving", e);
        }
        if (!HELD.add(real)) {
            throw new StoreLockedException(directory.path(), "in this JVM");
        }
        Path file = directory.lockFile();
        FileChannel channel = null;
        boolean acquired = false;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreLockedException(directory.path(), "by another process" + holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            acquired = true;
            return new StoreLock(real, channel, lock);
        } catch (OverlappingFileLockException e) {
            throw new StoreLockedException(directory.path(), "in this JVM");
        } catch (IOException e) {
            throw new StoreIOException(file, "locking", e);
        } finally {
            if (!acquired) {
                closeQuietly(channel);
                HELD.remove(real);
            }
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }

    void release() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases the lock in any case.
        } finally {
            closeQuietly(channel);
            HELD.remove(heldPath);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was written that matters: the lock file holds only the pid.
            }
        }
    }
}
