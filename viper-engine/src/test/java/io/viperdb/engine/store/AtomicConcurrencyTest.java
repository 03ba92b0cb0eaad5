package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.AutoReclaim;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads racing increments on shared keys, through {@code merge}, {@code compute} and a compare-and-set loop, while
 * segments roll and reclaims run: not one increment is lost, the counts are exact, and they stay so after reopening.
 */
class AtomicConcurrencyTest {

    private static final int KEYS = 8;
    private static final int THREADS = 4;
    private static final int INCREMENTS = 2_000;

    @TempDir
    Path dir;

    /** Small files, so that writers roll segments and the reclaims have sealed ones to rewrite. */
    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).logFileSize(16 << 10)
            .build();

    private static String plusOne(String count) {
        return String.valueOf(Long.parseLong(count) + 1);
    }

    /** One thread's increments, each on the key {@code i % KEYS}, by one of the ways to increment atomically. */
    private static void increment(KeyValueStore<String> store, int thread) {
        for (int i = 0; i < INCREMENTS; i++) {
            String key = "counter-" + (i % KEYS);
            switch ((thread + i) % 4) {
                case 0 -> store.merge(key, "1", (current, one) -> plusOne(current));
                case 1 -> store.compute(key, (k, current) -> current == null ? "1" : plusOne(current));
                case 2 -> {
                    if (store.computeIfPresent(key, (k, current) -> plusOne(current)) == null) {
                        store.merge(key, "1", (current, one) -> plusOne(current));
                    }
                }
                default -> {
                    // The compare-and-set loop of a caller without compute: read, then write only if unchanged.
                    while (true) {
                        String current = store.get(key);
                        if (current == null ? store.putIfAbsent(key, "1") == null
                                : store.replace(key, current, plusOne(current))) {
                            break;
                        }
                    }
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void racingIncrementsWhileReclaimsRunEndWithExactCounts() throws Exception {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reclaims = new AtomicLong();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            Thread reclaimer = Workers.start(() -> {
                while (!done.get()) {
                    store.reclaim();
                    reclaims.incrementAndGet();
                }
            }, failures);
            incrementOnEveryThread(store, failures);
            done.set(true);
            reclaimer.join();
            assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
            assertTrue(reclaims.get() > 0, "reclaims ran meanwhile");
            assertCounts(store);
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertCounts(store);
        }
    }

    @Test
    @Timeout(120)
    void racingIncrementsUnderAnEagerAutomaticReclaimEndWithExactCounts() throws Exception {
        StoreOptions eager = StoreOptions.builder().codec(new TextCodec()).logFileSize(16 << 10)
                .autoReclaim(AutoReclaim.whenDeadFractionExceeds(0.05).minDeadBytes(0).minInterval(Duration.ZERO))
                .build();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (KeyValueStore<String> store = KeyValueStore.open(dir, eager)) {
            incrementOnEveryThread(store, failures);
            assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
            assertTrue(store.stats().lastReclaim().isPresent(), "the automatic reclaim ran meanwhile");
            assertCounts(store);
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, eager)) {
            assertCounts(store);
        }
    }

    /** Runs {@link #increment} on {@link #THREADS} threads at once, and waits for them. */
    private static void incrementOnEveryThread(KeyValueStore<String> store, List<Throwable> failures)
            throws InterruptedException {
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            writers.add(Workers.start(() -> increment(store, thread), failures));
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }

    private static void assertCounts(KeyValueStore<String> store) {
        for (int key = 0; key < KEYS; key++) {
            assertEquals(String.valueOf((long) THREADS * INCREMENTS / KEYS), store.get("counter-" + key),
                    "counter-" + key);
        }
    }

    @Test
    @Timeout(60)
    void ofThreadsRacingPutIfAbsentOnAKeyExactlyOneWins() throws Exception {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong winners = new AtomicLong();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int round = 0; round < 200; round++) {
                String key = "lock-" + round;
                List<Thread> racers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    String owner = "owner-" + t;
                    racers.add(Workers.start(() -> {
                        if (store.putIfAbsent(key, owner) == null) {
                            winners.incrementAndGet();
                        }
                    }, failures));
                }
                for (Thread racer : racers) {
                    racer.join();
                }
            }
            assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
            assertEquals(200, winners.get());
        }
    }
}
