package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.SyncPolicy;
import io.viperdb.WriteBatch;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 5, load: writers doing puts, removes, batches and reads of their own keys, readers reading everyone's,
 * a thread reclaiming in a loop, and a background sync, for a fixed time; then the store must hold exactly what every
 * writer last wrote, before and after a reopen, and verify sound. A deadlock fails the test by timeout (with a thread
 * dump) instead of hanging the build.
 *
 * <p>{@code -Dviper.load.seconds=N} sets the time (3 by default, 120 with {@code -Plong}).
 */
class LoadTest {

    private static final int SECONDS = Integer.getInteger("viper.load.seconds", 3);
    private static final int WRITERS = 3;
    private static final int KEYS_PER_WRITER = 300;

    @TempDir
    Path dir;

    @Test
    void mixedLoadWithReclaimsEndsAsTheWritersLeftIt() {
        assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 120), this::run, LoadTest::threadDump);
    }

    private void run() throws Exception {
        StoreOptions options = StoreOptions.builder().codec(new TextCodec()).logFileSize(256 << 10)
                .syncPolicy(SyncPolicy.every(Duration.ofMillis(50))).build();
        List<Map<String, String>> models = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong operations = new AtomicLong();
        AtomicLong reclaims = new AtomicLong();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Map<String, String> model = new HashMap<>();
                models.add(model);
                int writer = w;
                threads.add(Workers.start(() -> write(store, model, stop, operations, writer), failures));
            }
            for (int r = 0; r < 2; r++) {
                threads.add(Workers.start(() -> read(store, stop, operations), failures));
            }
            threads.add(Workers.start(() -> {
                while (!stop.get()) {
                    store.reclaim();
                    reclaims.incrementAndGet();
                }
            }, failures));
            Thread.sleep(SECONDS * 1000L);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertTrue(failures.isEmpty(), () -> "a worker failed: " + failures.get(0));
            check(store, models, "at the end of the load");
            assertTrue(store.verify().sound());
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            check(store, models, "after reopen");
        }
        System.out.printf("load campaign: %d s, %d operations from %d writers and 2 readers, %d reclaims, "
                + "0 wrong values%n", SECONDS, operations.get(), WRITERS, reclaims.get());
    }

    private static void write(KeyValueStore<String> store, Map<String, String> model, AtomicBoolean stop,
            AtomicLong operations, int writer) {
        SplittableRandom random = new SplittableRandom(writer);
        for (long n = 0; !stop.get(); n++) {
            String key = "w" + writer + "-" + random.nextInt(KEYS_PER_WRITER);
            int kind = random.nextInt(10);
            if (kind < 5) {
                String value = key + "#" + n + ":" + "x".repeat(random.nextInt(200));
                store.put(key, value);
                model.put(key, value);
            } else if (kind < 7) {
                store.remove(key);
                model.remove(key);
            } else if (kind < 9) {
                WriteBatch<String> batch = new WriteBatch<>();
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    String k = "w" + writer + "-" + random.nextInt(KEYS_PER_WRITER);
                    if (random.nextInt(4) == 0) {
                        batch.remove(k);
                        model.remove(k);
                    } else {
                        batch.put(k, k + "#" + n + "." + i);
                        model.put(k, k + "#" + n + "." + i);
                    }
                }
                store.write(batch);
            } else {
                assertEquals(model.get(key), store.get(key), "a writer reads its own last write");
            }
            operations.incrementAndGet();
        }
    }

    private static void read(KeyValueStore<String> store, AtomicBoolean stop, AtomicLong operations) {
        SplittableRandom random = new SplittableRandom();
        while (!stop.get()) {
            String key = "w" + random.nextInt(WRITERS) + "-" + random.nextInt(KEYS_PER_WRITER);
            String value = store.get(key);
            if (value != null && !value.startsWith(key + "#")) {
                fail("key " + key + " holds another key's value: " + value);
            }
            operations.incrementAndGet();
        }
    }

    private static void check(KeyValueStore<String> store, List<Map<String, String>> models, String context) {
        long expectedSize = 0;
        for (int w = 0; w < models.size(); w++) {
            Map<String, String> model = models.get(w);
            expectedSize += model.size();
            for (int k = 0; k < KEYS_PER_WRITER; k++) {
                String key = "w" + w + "-" + k;
                assertTrue(Objects.equals(model.get(key), store.get(key)), context + ": key " + key);
            }
        }
        assertEquals(expectedSize, store.size(), context + ": size()");
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder("the load did not finish in time; threads:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        return dump.toString();
    }
}
