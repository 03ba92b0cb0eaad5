package io.viperdb.engine.store;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store's queue of background work (the periodic sync, the early syncs of a {@link BackgroundSync}, the automatic
 * reclaim): its tasks run one at a time, in the order they were handed over, on worker threads that every store of
 * the JVM shares. Every background task of the store is queued and stopped here.
 *
 * <p>Why shared workers: an application may open hundreds of small stores (Kafka Streams opens one per partition and
 * operator). A thread per queue would be hundreds of threads, almost all idle. Here every queue runs on one of two
 * fixed pools: {@link Workers#SYNCS} ({@value #SYNC_WORKERS} threads) for syncs, {@link Workers#RECLAIMS}
 * ({@value #RECLAIM_WORKERS}) for reclaims; and one timer thread hands delayed and periodic tasks to their queues when
 * they are due, running none of them. So the engine's background work takes at most
 * {@value #SYNC_WORKERS} + {@value #RECLAIM_WORKERS} + 1 threads however many stores are open, and none while it is
 * idle: a worker with nothing to do ends after {@value #IDLE_WORKER_SECONDS} seconds. While it runs a queue's task, a
 * worker carries the queue's name (thread dumps and tests look for it).
 *
 * <p>A fixed pool can deadlock if its tasks wait for tasks queued on the same pool. The rule that rules it out: a
 * sync task waits for nothing but the store's write lock (held briefly, by a writer or a reclaim's commit, never
 * while waiting for a background task) and for a sync already under way; a reclaim task waits for its write-back
 * syncs, which run on the other pool. A sync delayed by other stores' syncs only delays when its writes reach the
 * device, as a busy device would.
 *
 * <p>A queue is never interrupted: {@link #stop} starts no more tasks, lets those handed over finish and waits for
 * them (never {@code cancel(true)}). Its tasks write and force the store's files, and the JDK closes a
 * {@link java.nio.channels.FileChannel} whose thread is interrupted inside an I/O operation
 * ({@link java.nio.channels.ClosedByInterruptException}): that is the live store's channel, and every later write to
 * it would fail until the store is opened again.
 */
final class BackgroundQueue {

    private static final System.Logger LOG = System.getLogger("io.viperdb");
    /** How long {@link #stop} waits for the tasks under way. */
    private static final long STOP_WAIT_MINUTES = 1;
    /** How long a worker with nothing to do lives. */
    static final long IDLE_WORKER_SECONDS = 10;
    private static final String IDLE_NAME = "viperdb-background";

    static final int SYNC_WORKERS = 4;
    static final int RECLAIM_WORKERS = 2;

    /** The shared pools a queue's tasks run on. */
    enum Workers {
        /** Syncs: the store's write-back and periodic syncs, and a reclaim's write-back. */
        SYNCS(SYNC_WORKERS),
        /** The automatic reclaim. */
        RECLAIMS(RECLAIM_WORKERS);

        private final ThreadPoolExecutor pool;

        Workers(int threads) {
            AtomicInteger numbers = new AtomicInteger();
            String prefix = IDLE_NAME + "-" + name().toLowerCase(java.util.Locale.ROOT) + "-";
            this.pool = new ThreadPoolExecutor(threads, threads, IDLE_WORKER_SECONDS, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), task -> {
                        Thread thread = new Thread(task, prefix + numbers.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            pool.allowCoreThreadTimeOut(true);
        }
    }

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "viperdb-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setKeepAliveTime(IDLE_WORKER_SECONDS, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }

    private final String name;
    private final Workers workers;
    /** Tasks handed over and not yet started; guarded by this. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** The timers of delayed tasks not yet due, cancelled by {@link #stop}; guarded by this. */
    private final Set<ScheduledFuture<?>> timers = new HashSet<>();
    /** Whether a worker is running this queue's tasks; guarded by this. */
    private boolean draining;
    private boolean stopped;

    /** Makes the queue named {@code name}, whose tasks run on {@code workers}; it takes no thread until it has one. */
    BackgroundQueue(String name, Workers workers) {
        this.name = name;
        this.workers = workers;
    }

    /**
     * Runs {@code task} once the tasks handed over before it have run.
     *
     * @throws RejectedExecutionException once the queue is stopped
     */
    void execute(Runnable task) {
        synchronized (this) {
            if (stopped) {
                throw new RejectedExecutionException("The background queue '" + name + "' is stopped");
            }
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        workers.pool.execute(this::drain);
    }

    /**
     * Runs {@code task} like {@link #execute}, and returns what tells when it has run.
     *
     * @throws RejectedExecutionException once the queue is stopped
     */
    Future<?> submit(Runnable task) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        execute(future);
        return future;
    }

    /**
     * Runs {@code task} after {@code delay} {@code unit}s, unless the queue stops or the returned future is cancelled
     * first.
     *
     * @throws RejectedExecutionException once the queue is stopped
     */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        DelayedTask delayed = new DelayedTask(task, System.nanoTime() + unit.toNanos(delay));
        synchronized (this) {
            if (stopped) {
                throw new RejectedExecutionException("The background queue '" + name + "' is stopped");
            }
            ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
            timer[0] = TIMER.schedule(() -> due(delayed, timer[0]), delay, unit);
            timers.add(timer[0]);
        }
        return delayed;
    }

    /** Hands a delayed task to the queue when it is due (on the timer thread, which runs no task itself). */
    private void due(Runnable task, ScheduledFuture<?> timer) {
        synchronized (this) {
            timers.remove(timer);
        }
        try {
            execute(task);
        } catch (RejectedExecutionException e) {
            // Stopped meanwhile: the task is dropped, as the tasks still waiting for their time are.
        }
    }

    /** Runs {@code task} every {@code interval} (from the end of one run to the start of the next) until stopped. */
    void every(Duration interval, Runnable task) {
        long millis = interval.toMillis();
        schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    task.run();
                } finally {
                    try {
                        schedule(this, millis, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // Stopped: no more runs.
                    }
                }
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs the queue's tasks on a worker until there are none, carrying the queue's name meanwhile. */
    private void drain() {
        Thread worker = Thread.currentThread();
        String idleName = worker.getName();
        worker.setName(name);
        try {
            while (true) {
                Runnable task;
                synchronized (this) {
                    task = tasks.poll();
                    if (task == null) {
                        draining = false;
                        notifyAll();
                        return;
                    }
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // A task reports its own failures (see BackgroundSync); one that escapes is a bug: say so.
                    LOG.log(Level.WARNING, "A background task of '" + name + "' failed unexpectedly", e);
                }
            }
        } finally {
            worker.setName(idleName);
        }
    }

    /**
     * Stops for good, without interrupting (see above): drops the tasks that wait for their time, and returns once
     * those already handed over have run, or after a minute, with a warning. An interrupt of the caller ends the wait,
     * and is kept.
     */
    void stop() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(STOP_WAIT_MINUTES);
        synchronized (this) {
            stopped = true;
            timers.forEach(timer -> timer.cancel(false));
            timers.clear();
            try {
                while (draining) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.log(Level.WARNING, "The background queue '" + name + "' did not stop within a minute");
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A task that becomes due at a time: a future whose delay the automatic reclaim reads, and may cancel. */
    private static final class DelayedTask extends FutureTask<Void> implements ScheduledFuture<Void> {

        private final long dueNanos;

        DelayedTask(Runnable task, long dueNanos) {
            super(task, null);
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
