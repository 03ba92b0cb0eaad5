package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers run concurrently with writers, segment rolls and reclaims, and never see a partly written value, another
 * key's value, or a value older than one they have already seen.
 */
class ConcurrencyTest {

    private static final int KEYS = 64;

    @TempDir
    Path dir;

    /** A value that says which key and version it is, and whose length and content prove it whole. */
    static String valueOf(int key, long version) {
        char fill = (char) ('a' + (int) (version % 26));
        return key + ":" + version + ":" + String.valueOf(fill).repeat((int) (version % 700));
    }

    /** Returns the version in {@code value} after checking that it is a whole value of {@code key}. */
    static long check(int key, String value) {
        String[] parts = value.split(":", 3);
        if (parts.length != 3 || Integer.parseInt(parts[0]) != key) {
            throw new AssertionError("key " + key + " holds a value of another key: " + value);
        }
        long version = Long.parseLong(parts[1]);
        if (!parts[2].equals(valueOf(key, version).split(":", 3)[2])) {
            throw new AssertionError("key " + key + " holds a torn value of version " + version);
        }
        return version;
    }

    @Test
    @Timeout(60)
    void readersNeverSeeATornOrStaleValue() throws Exception {
        StoreOptions options = StoreOptions.builder().codec(new TextCodec()).logFileSize(64 << 10).build();
        AtomicLongArray written = new AtomicLongArray(KEYS);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(Workers.start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        // Writer w owns the keys k with k % 2 == w, so each key has one writer and rising versions.
                        int key = random.nextInt(KEYS / 2) * 2 + writer;
                        long version = written.get(key) + 1;
                        store.put("k" + key, valueOf(key, version));
                        written.set(key, version);
                    }
                }, failures));
            }
            for (int r = 0; r < 3; r++) {
                threads.add(Workers.start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long[] seen = new long[KEYS];
                    while (!stop.get()) {
                        int key = random.nextInt(KEYS);
                        long floor = written.get(key);
                        String value = store.get("k" + key);
                        if (value == null) {
                            assertEquals(0, floor, "a key once written is never absent");
                            continue;
                        }
                        long version = check(key, value);
                        assertTrue(version >= seen[key], "went back from " + seen[key] + " to " + version);
                        assertTrue(version >= floor, "read " + version + " after " + floor + " was written");
                        seen[key] = version;
                        reads.incrementAndGet();
                    }
                }, failures));
            }
            threads.add(Workers.start(() -> {
                while (!stop.get()) {
                    store.reclaim();
                }
            }, failures));
            Thread.sleep(2_000);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
            assertTrue(reads.get() > 10_000, "reads: " + reads.get());
        }
        Map<String, String> expected = new HashMap<>();
        for (int key = 0; key < KEYS; key++) {
            if (written.get(key) > 0) {
                expected.put("k" + key, valueOf(key, written.get(key)));
            }
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                assertEquals(entry.getValue(), store.get(entry.getKey()));
            }
            assertEquals(expected.size(), store.size());
        }
    }
}
