package io.viperdb.engine.store;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

/**
 * Starts a sync on a background thread each time {@value #BYTES} bytes have been appended since the last one started
 * (the idea of RocksDB's {@code bytes_per_sync}). A roll must sync the segment it seals before the next one takes
 * writes, and close syncs too; without this, the writer waits there while the device takes a whole log file of dirty
 * pages (hundreds of milliseconds for 256 MiB). With it the device writes while the writer goes on, and the roll finds
 * at most {@value #BYTES} bytes left to sync.
 *
 * <p>It only makes writes durable sooner, never later, and changes no rule of recovery. A background sync that fails
 * fails the store's writes, as any failed sync does (see {@link Syncer}).
 */
final class Writeback {

    static final long BYTES = 32L << 20;

    private final Syncer syncer;
    private final Path directory;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Bytes appended since the last background sync started; guarded by the store's write lock. */
    private long pending;
    /** Made by the first background sync; guarded by the store's write lock. */
    private ExecutorService executor;
    private volatile boolean stopped;

    Writeback(Syncer syncer, Path directory) {
        this.syncer = syncer;
        this.directory = directory;
    }

    /** Counts {@code bytes} just appended, and starts a background sync if they make enough. Under the write lock. */
    void appended(long bytes) {
        pending += bytes;
        if (pending >= BYTES && !stopped && running.compareAndSet(false, true)) {
            pending = 0;
            executor().execute(() -> {
                try {
                    syncer.syncPending();
                } finally {
                    running.set(false);
                }
            });
        }
    }

    private ExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "viperdb-writeback " + directory);
                thread.setDaemon(true);
                return thread;
            });
        }
        return executor;
    }

    /** Lets a background sync under way finish, and starts no more. Before the store seals its files at close. */
    void stop(Lock writeLock) {
        ExecutorService started;
        writeLock.lock();
        try {
            stopped = true;
            started = executor;
        } finally {
            writeLock.unlock();
        }
        if (started != null) {
            // Not shutdownNow(): an interrupt inside FileChannel.force closes the channel under the live store.
            started.shutdown();
            try {
                started.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
