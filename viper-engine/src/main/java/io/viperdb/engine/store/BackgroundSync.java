package io.viperdb.engine.store;

import io.viperdb.ViperException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Starts a sync in the background each time {@value #BYTES} bytes have been appended since the last one started
 * (the idea of RocksDB's {@code bytes_per_sync}). A roll must sync the segment it seals before the next one takes
 * writes, a reclaim syncs its new segments before it commits, and close syncs too; without this, each waits there
 * while the device takes a whole log file of dirty pages (hundreds of milliseconds for 256 MiB). With it the device
 * writes while the writer goes on, and the final sync finds at most {@value #BYTES} bytes left.
 *
 * <p>It only makes writes durable sooner, never later, and changes no rule of recovery. The store's background sync
 * fails the store's writes if it fails, as any failed sync does (see {@link Syncer}); a reclaim's is reported by
 * {@link #awaitIdle()}, and the reclaim then fails before its commit.
 *
 * <p>One thread appends (the store's writers hold its write lock; a reclaim copies on one thread): {@link #appended}
 * is not thread-safe.
 */
final class BackgroundSync {

    private static final System.Logger LOG = System.getLogger("io.viperdb");

    static final long BYTES = 32L << 20;

    private final Supplier<Runnable> prepare;
    private final String queueName;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Bytes appended since the last background sync started; the appending thread's. */
    private long pending;
    /** Made by the first background sync; guarded by this object's lock. */
    private BackgroundQueue queue;
    /** Guarded by this object's lock. */
    private boolean stopped;
    /** The first failure of a background sync, for {@link #awaitIdle()}. */
    private volatile RuntimeException failure;

    /**
     * @param prepare run on the appending thread when a sync is due (for what must happen under its lock, such as a
     *     flush of the write buffers); returns the sync to run in the background
     * @param queueName the name of the background queue (its worker carries it while it syncs)
     */
    BackgroundSync(Supplier<Runnable> prepare, String queueName) {
        this.prepare = prepare;
        this.queueName = queueName;
    }

    /** Counts {@code bytes} just appended, and starts a background sync if they make enough. */
    void appended(long bytes) {
        pending += bytes;
        if (pending >= BYTES && running.compareAndSet(false, true)) {
            pending = 0;
            start();
        }
    }

    /** Starts a sync, unless {@link #stop} came first; under this object's lock, which {@code stop} takes too. */
    private synchronized void start() {
        if (stopped) {
            running.set(false);
            return;
        }
        Runnable sync;
        try {
            sync = prepare.get();
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
        queue().execute(() -> {
            try {
                sync.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
                if (!(e instanceof ViperException)) {
                    // A bug, not a failed sync (those are reported where they are awaited): say so somewhere.
                    LOG.log(Level.WARNING, "A background sync (" + queueName + ") failed unexpectedly", e);
                }
            } finally {
                running.set(false);
            }
        });
    }

    private BackgroundQueue queue() {
        if (queue == null) {
            queue = new BackgroundQueue(queueName, BackgroundQueue.Workers.SYNCS);
        }
        return queue;
    }

    /**
     * Returns once no background sync runs, on the appending thread; for a reclaim, before it seals a segment or
     * commits. Throws what a background sync threw, if one failed.
     */
    void awaitIdle() {
        BackgroundQueue started;
        synchronized (this) {
            started = stopped ? null : queue;
        }
        if (started != null) {
            try {
                started.submit(() -> { }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ViperException("Interrupted while waiting for a background sync", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("A background sync's executor failed", e.getCause());
            }
        }
        RuntimeException failed = failure;
        if (failed != null) {
            throw failed;
        }
    }

    /** Lets a background sync under way finish, and starts no more: before the files it syncs are sealed or closed. */
    void stop() {
        BackgroundQueue started;
        synchronized (this) {
            stopped = true;
            started = queue;
        }
        if (started != null) {
            started.stop();
        }
    }
}
