package io.viperdb.kafka;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for the reclaims of every ViperDB state store of the JVM, started when a commit first asks for a
 * reclaim and ended after a minute without one. Kafka opens hundreds of stores; a thread each (the engine's
 * {@code AutoReclaim}) would be hundreds of threads, almost always idle.
 *
 * <p>Reclaims run one at a time, in the order asked. A reclaim is never interrupted (an interrupted thread closes the
 * store's file channels): a store that closes waits for its reclaim under way ({@link ViperKeyValueStore#close()}).
 */
final class SharedReclaimer {

    private static final ThreadPoolExecutor EXECUTOR = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "viperdb-kafka-reclaim");
                thread.setDaemon(true);
                return thread;
            });

    static {
        EXECUTOR.allowCoreThreadTimeOut(true);
    }

    private SharedReclaimer() {
    }

    /** Runs {@code reclaim} on the shared thread, after those asked before it. */
    static void submit(Runnable reclaim) {
        EXECUTOR.execute(reclaim);
    }
}
