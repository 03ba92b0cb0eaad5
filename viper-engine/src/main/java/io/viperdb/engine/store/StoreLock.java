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
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The opener rule: one writer, or any number of read-only openers, never both. An operating-system lock on
 * {@code viper.lock} keeps out other processes (exclusive for a writer, shared for readers), and a table of held
 * directories does the same within this JVM.
 *
 * <p>The table is checked first for a reason: on POSIX systems, closing any channel on a file releases every lock the
 * process holds on it, so a second opener in the same JVM must never open (and close) the lock file. Read-only
 * openers in one JVM therefore share one channel and one shared lock, released with the last of them. The lock dies
 * with the process that holds it, so a crash leaves nothing that blocks the next opener.
 *
 * <p>A read-only opener writes nothing, so it never creates the lock file: where there is none (a store written by a
 * version without it, or copied without it) it holds only the table's entry, and a writer in another process is not
 * kept out. A writer writes its pid into the file; readers do not, so the pid there names the last writer.
 */
final class StoreLock {

    /** Who holds each store directory in this JVM; guarded by its own monitor. */
    private static final Map<Path, StoreLock> HELD = new HashMap<>();

    private final Path heldPath;
    private final boolean shared;
    private final FileChannel channel;
    private final FileLock lock;
    /** The read-only openers sharing this lock; always 1 for a writer. Guarded by {@link #HELD}. */
    private int holders = 1;

    private StoreLock(Path heldPath, boolean shared, FileChannel channel, FileLock lock) {
        this.heldPath = heldPath;
        this.shared = shared;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the store in {@code directory}, which exists, for a writer.
     *
     * @throws StoreLockedException if another opener, writer or reader, holds it
     */
    static StoreLock acquire(StoreDirectory directory) {
        Path real = realPath(directory);
        synchronized (HELD) {
            StoreLock held = HELD.get(real);
            if (held != null) {
                throw new StoreLockedException(directory.path(), held.shared ? "read-only in this JVM" : "in this JVM");
            }
            StoreLock taken = lockExclusive(directory, real);
            HELD.put(real, taken);
            return taken;
        }
    }

    /**
     * Takes the lock of the store in {@code directory}, which exists, for a read-only opener; other read-only openers
     * may hold it too. Writes nothing.
     *
     * @throws StoreLockedException if a writer holds it
     */
    static StoreLock acquireShared(StoreDirectory directory) {
        Path real = realPath(directory);
        synchronized (HELD) {
            StoreLock held = HELD.get(real);
            if (held != null) {
                if (!held.shared) {
                    throw new StoreLockedException(directory.path(), "for writing in this JVM");
                }
                held.holders++;
                return held;
            }
            StoreLock taken = lockShared(directory, real);
            HELD.put(real, taken);
            return taken;
        }
    }

    private static Path realPath(StoreDirectory directory) {
        try {
            return directory.path().toRealPath();
        } catch (IOException e) {
            throw new StoreIOException(directory.path(), "resolving", e);
        }
    }

    private static StoreLock lockExclusive(StoreDirectory directory, Path real) {
        FileChannel opened;
        try {
            opened = FileChannel.open(directory.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreIOException(directory.lockFile(), "locking", e);
        }
        return lockOrClose(directory, opened, channel -> {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreLockedException(directory.path(), heldBy(channel));
            }
            writePid(channel);
            return new StoreLock(real, false, channel, lock);
        });
    }

    /**
     * Makes the lock file hold this process's pid and a newline, and nothing else: left alone if it holds them
     * already (a reopen in this process), else written over the old content and cut where that was longer. Emptying
     * the file first and writing it anew, as before, cost the file system a block freed and another allocated, about
     * half a millisecond of every open.
     */
    private static void writePid(FileChannel channel) throws IOException {
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        long size = channel.size();
        if (size == pid.length) {
            ByteBuffer held = ByteBuffer.allocate(pid.length);
            while (held.hasRemaining() && channel.read(held, held.position()) >= 0) {
                // reads until the buffer is full or the file ends
            }
            if (Arrays.equals(held.array(), pid)) {
                return;
            }
        }
        ByteBuffer bytes = ByteBuffer.wrap(pid);
        while (bytes.hasRemaining()) {
            channel.write(bytes, bytes.position());
        }
        if (size > pid.length) {
            channel.truncate(pid.length);
        }
    }

    private static StoreLock lockShared(StoreDirectory directory, Path real) {
        Path file = directory.lockFile();
        FileChannel opened;
        try {
            opened = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException | AccessDeniedException e) {
            // No lock file to lock without creating one, or one this user may not read: the table alone, as documented.
            return new StoreLock(real, true, null, null);
        } catch (IOException e) {
            throw new StoreIOException(file, "opening the lock file", e);
        }
        return lockOrClose(directory, opened, channel -> {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                throw new StoreLockedException(directory.path(), "for writing by another process" + pid(channel));
            }
            return new StoreLock(real, true, channel, lock);
        });
    }

    /** A way to take the lock on the open lock file; throws what {@link FileChannel#tryLock} throws. */
    @FunctionalInterface
    private interface Locking {
        StoreLock lock(FileChannel channel) throws IOException;
    }

    /**
     * Takes the lock on {@code channel} by {@code locking}, with the one mapping of what locking throws, and closes
     * the channel unless the lock was taken.
     */
    private static StoreLock lockOrClose(StoreDirectory directory, FileChannel channel, Locking locking) {
        boolean acquired = false;
        try {
            StoreLock taken = locking.lock(channel);
            acquired = true;
            return taken;
        } catch (OverlappingFileLockException e) {
            throw new StoreLockedException(directory.path(), "in this JVM");
        } catch (IOException e) {
            throw new StoreIOException(directory.lockFile(), "locking", e);
        } finally {
            if (!acquired) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Who holds the lock a writer could not take: if a shared lock can be had, only readers hold it (and the pid in the
     * file is a past writer's), so it is tried and given back at once.
     */
    private static String heldBy(FileChannel channel) throws IOException {
        FileLock probe = channel.tryLock(0, Long.MAX_VALUE, true);
        if (probe != null) {
            probe.release();
            return "read-only by another process";
        }
        return "by another process" + pid(channel);
    }

    private static String pid(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }

    /** Gives up this opener's hold; the lock itself goes with the last holder. */
    void release() {
        synchronized (HELD) {
            if (--holders > 0) {
                return;
            }
            HELD.remove(heldPath);
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException ignored) {
                // Closing the channel below releases the lock in any case.
            } finally {
                closeQuietly(channel);
            }
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
