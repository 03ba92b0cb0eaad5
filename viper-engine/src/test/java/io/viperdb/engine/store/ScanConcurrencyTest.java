package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.ByteKeyStore;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans while writers put, remove and write batches, and reclaims run: no exception, keys in strictly increasing
 * (or decreasing) order so each at most once, every key live throughout the scan returned, and no value that was
 * never stored for its key. Writers also give stable keys an expiry far ahead, which moves their entries in the index's
 * arena: a key live throughout must be returned through that too.
 */
class ScanConcurrencyTest {

    private static final int STABLE = 2000;
    private static final int CHURNING = 3000;
    private static final long MILLIS = 3000;

    @TempDir
    Path dir;

    @Test
    void scansDuringWritesAndReclaimsKeepTheirPromises() throws Exception {
        long seed = System.nanoTime();
        Random keyRandom = new Random(seed);
        List<byte[]> stable = keys(keyRandom, STABLE);
        NavigableSet<byte[]> stableSet = new TreeSet<>(Arrays::compareUnsigned);
        stableSet.addAll(stable);
        List<byte[]> churning = new ArrayList<>(keys(keyRandom, CHURNING));
        churning.removeIf(stableSet::contains);
        List<Throwable> failures = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong scans = new AtomicLong();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, StoreOptions.builder().codec(new TextCodec())
                .logFileSize(StoreOptions.MIN_LOG_FILE_SIZE).build())) {
            ByteKeyStore<String> raw = store.byteKeys();
            for (byte[] key : stable) {
                raw.put(key, value(key, 0));
            }
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                long writerSeed = seed + w;
                threads.add(Workers.start(() -> write(raw, store, stable, churning, new Random(writerSeed), stop),
                        failures));
            }
            threads.add(Workers.start(() -> {
                while (!stop.get()) {
                    store.reclaim();
                }
            }, failures));
            for (int s = 0; s < 2; s++) {
                long scannerSeed = seed + 10 + s;
                threads.add(Workers.start(() -> {
                    Random random = new Random(scannerSeed);
                    while (!stop.get()) {
                        scan(raw, stable, stableSet, random);
                        scans.incrementAndGet();
                    }
                }, failures));
            }
            Thread.sleep(MILLIS);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
        }
        assertEquals(List.of(), failures, "seed " + seed);
        assertTrue(scans.get() > 10, scans.get() + " scans");
    }

    private static void write(ByteKeyStore<String> raw, KeyValueStore<String> store, List<byte[]> stable,
            List<byte[]> churning, Random random, AtomicBoolean stop) {
        int n = 1;
        while (!stop.get()) {
            int r = random.nextInt(100);
            byte[] key = churning.get(random.nextInt(churning.size()));
            if (r < 40) {
                raw.put(key, value(key, n++));
            } else if (r < 70) {
                raw.remove(key);
            } else if (r < 80) {
                WriteBatch<String> batch = new WriteBatch<>();
                for (int i = 0; i < 20; i++) {
                    byte[] k = churning.get(random.nextInt(churning.size()));
                    if (i % 3 == 0) {
                        batch.remove(k);
                    } else {
                        batch.put(k, value(k, n++));
                    }
                }
                store.write(batch);
            } else {
                // A stable key is only overwritten, sometimes with an expiry far ahead (its entry moves).
                byte[] s = stable.get(random.nextInt(stable.size()));
                if (r < 90) {
                    raw.put(s, value(s, n++));
                } else {
                    raw.put(s, value(s, n++), Duration.ofHours(1));
                }
            }
        }
    }

    private static void scan(ByteKeyStore<String> raw, List<byte[]> stable, NavigableSet<byte[]> stableSet,
            Random random) {
        byte[] a = stable.get(random.nextInt(stable.size()));
        byte[] b = stable.get(random.nextInt(stable.size()));
        KeyRange range = switch (random.nextInt(4)) {
            case 0 -> KeyRange.all();
            case 1 -> KeyRange.prefix(Arrays.copyOf(a, 1));
            case 2 -> KeyRange.closed(Arrays.compareUnsigned(a, b) <= 0 ? a : b, Arrays.compareUnsigned(a, b) <= 0 ? b : a);
            default -> KeyRange.from(a);
        };
        Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.REVERSE;
        NavigableSet<byte[]> expected = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[] key : stableSet) {
            if (range.contains(key)) {
                expected.add(key);
            }
        }
        byte[] previous = null;
        try (Cursor<byte[], String> cursor = raw.scan(range, direction)) {
            while (cursor.hasNext()) {
                byte[] peeked = cursor.peekNextKey();
                Map.Entry<byte[], String> entry = cursor.next();
                byte[] key = entry.getKey();
                assertTrue(Arrays.equals(peeked, key), "peekNextKey is the next key");
                assertTrue(range.contains(key), () -> hex(key) + " is in " + range);
                if (previous != null) {
                    int c = Arrays.compareUnsigned(previous, key);
                    byte[] before = previous;
                    assertTrue(direction == Direction.FORWARD ? c < 0 : c > 0,
                            () -> hex(key) + " after " + hex(before) + " going " + direction);
                }
                previous = key;
                expected.remove(key);
                String value = entry.getValue();
                if (value != null) {
                    assertTrue(value.startsWith(hex(key) + ":"), () -> hex(key) + " has " + value);
                }
            }
        }
        assertTrue(expected.isEmpty(), () -> expected.size() + " keys live throughout were not returned by a scan of "
                + range + " " + direction + ", " + hex(expected.first()) + " first");
    }

    private static String value(byte[] key, int n) {
        return hex(key) + ":" + n;
    }

    private static String hex(byte[] key) {
        return HexFormat.of().formatHex(key);
    }

    /** Distinct random keys of 1 to 12 bytes. */
    private static List<byte[]> keys(Random random, int count) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[1 + random.nextInt(12)];
            random.nextBytes(key);
            keys.add(key);
        }
        return keys;
    }
}
