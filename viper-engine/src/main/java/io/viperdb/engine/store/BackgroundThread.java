package io.viperdb.engine.store;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A named daemon thread that runs a store's work in the background: the periodic sync, the early syncs of a
 * {@link BackgroundSync}, the automatic reclaim. Every background thread of the store is made and stopped here.
 *
 * <p>A background thread is never interrupted: {@link #stop} starts no more tasks, lets the one under way finish and
 * waits for it (never {@code shutdownNow()}, never {@code cancel(true)}). Its tasks write and force the store's files,
 * and the JDK closes a {@link java.nio.channels.FileChannel} whose thread is interrupted inside an I/O operation
 * ({@link java.nio.channels.ClosedByInterruptException}): that is the live store's channel, and every later write to
 * it would fail until the store is opened again.
 */
final class BackgroundThread {

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    /** How long {@link #stop} waits for the task under way. */
    private static final long STOP_WAIT_MINUTES = 1;

    private final String name;
    private final ScheduledThreadPoolExecutor executor;

    /** Makes the thread named {@code name}; it starts with the first task. */
    BackgroundThread(String name) {
        this.name = name;
        this.executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // A task still waiting for its time when the thread stops is dropped: a closing store should not wait out an
        // interval for a task that would do nothing.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Runs {@code task} once the tasks handed over before it have run.
     *
     * @throws RejectedExecutionException once the thread is stopped
     */
    void execute(Runnable task) {
        executor.execute(task);
    }

    /**
     * Runs {@code task} like {@link #execute}, and returns what tells when it has run.
     *
     * @throws RejectedExecutionException once the thread is stopped
     */
    Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    /**
     * Runs {@code task} after {@code delay} {@code unit}s, unless the thread stops first.
     *
     * @throws RejectedExecutionException once the thread is stopped
     */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return executor.schedule(task, delay, unit);
    }

    /** Runs {@code task} every {@code interval} (from the end of one run to the start of the next) until stopped. */
    void every(Duration interval, Runnable task) {
        long millis = interval.toMillis();
        executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops for good, without interrupting (see above): drops the tasks that wait for their time, and returns once the
     * one under way has finished, or after a minute, with a warning. An interrupt of the caller ends the wait, and is
     * kept.
     */
    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_WAIT_MINUTES, TimeUnit.MINUTES)) {
                LOG.log(Level.WARNING, "The background thread '" + name + "' did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
