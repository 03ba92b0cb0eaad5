package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.AutoReclaim;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.SyncPolicy;
import io.viperdb.engine.testing.TextCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background work: each store's tasks run one at a time and in order, on workers that all stores share, so that
 * hundreds of open stores do not hold hundreds of threads.
 */
class BackgroundQueueTest {

    @TempDir
    Path dir;

    @Test
    void aQueueRunsItsTasksOneAtATimeInOrderUnderItsName() throws Exception {
        BackgroundQueue queue = new BackgroundQueue("viperdb-test-queue", BackgroundQueue.Workers.SYNCS);
        List<String> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            queue.execute(() -> ran.add(n + " " + Thread.currentThread().getName()));
        }
        queue.submit(() -> { }).get();
        assertEquals(100, ran.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i + " viperdb-test-queue", ran.get(i));
        }
        queue.stop();
        assertThrows(RejectedExecutionException.class, () -> queue.execute(() -> { }));
    }

    @Test
    void stopWaitsForTasksHandedOverAndDropsThoseNotYetDue() throws Exception {
        BackgroundQueue queue = new BackgroundQueue("viperdb-test-stop", BackgroundQueue.Workers.RECLAIMS);
        CountDownLatch started = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        queue.execute(() -> {
            started.countDown();
            sleep(200);
            ran.add("slow");
        });
        queue.execute(() -> ran.add("queued"));
        ScheduledFuture<?> later = queue.schedule(() -> ran.add("later"), 1, TimeUnit.HOURS);
        assertTrue(later.getDelay(TimeUnit.MINUTES) > 50);
        started.await();
        queue.stop();
        assertEquals(List.of("slow", "queued"), ran);
        assertFalse(later.isDone());
    }

    @Test
    void aCancelledDelayedTaskDoesNotRunAndPeriodicTasksRepeat() throws Exception {
        BackgroundQueue queue = new BackgroundQueue("viperdb-test-timer", BackgroundQueue.Workers.SYNCS);
        List<String> ran = new CopyOnWriteArrayList<>();
        ScheduledFuture<?> cancelled = queue.schedule(() -> ran.add("cancelled"), 50, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel(false));
        CountDownLatch thrice = new CountDownLatch(3);
        queue.every(Duration.ofMillis(10), () -> {
            ran.add("tick");
            thrice.countDown();
        });
        assertTrue(thrice.await(10, TimeUnit.SECONDS));
        sleep(100);
        queue.stop();
        assertFalse(ran.contains("cancelled"));
    }

    @Test
    void fiveHundredOpenStoresShareAFewWorkers() throws Exception {
        int most = BackgroundQueue.SYNC_WORKERS + BackgroundQueue.RECLAIM_WORKERS + 1;
        int peak = 0;
        List<KeyValueStore<String>> stores = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                stores.add(KeyValueStore.open(dir.resolve("store-" + i), StoreOptions.builder()
                        .codec(new TextCodec()).logFileSize(64 << 10)
                        .syncPolicy(SyncPolicy.every(Duration.ofMillis(50)))
                        .autoReclaim(AutoReclaim.whenDeadFractionExceeds(0.5)).build()));
            }
            for (int round = 0; round < 10; round++) {
                for (KeyValueStore<String> store : stores) {
                    for (int k = 0; k < 10; k++) {
                        store.put("k" + k, round + "v".repeat(1000));
                    }
                }
                peak = Math.max(peak, viperThreads());
            }
            System.out.println("engine threads with 500 open stores, periodic syncs and automatic reclaim: at most "
                    + peak);
            assertTrue(peak <= most, peak + " engine threads for 500 stores; the most there should be is " + most);
        } finally {
            stores.forEach(KeyValueStore::close);
        }
    }

    /** The live threads the engine's background work made: its workers (idle or named after a queue) and timer. */
    private static int viperThreads() {
        int n = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("viperdb-")) {
                n++;
            }
        }
        return n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
