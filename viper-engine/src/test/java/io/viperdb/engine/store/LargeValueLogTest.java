package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreOptions;
import io.viperdb.engine.log.ValueLog;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store far larger than one mapping can cover: values of up to {@link KeyValueStore#MAX_VALUE_BYTES} that push
 * value logs to nearly twice the log file size, written, reopened, read back byte for byte, half removed, reclaimed
 * and read back again.
 *
 * <p>A value log never passes {@link ValueLog#MAX_SIZE} (2 GiB - 1, one mapping), whatever the writes: the store rolls
 * once the log reaches the log file size (at most 1 GiB), and the largest record after that is one value of 1023 MiB.
 * This test writes exactly that worst case, per segment: values up to just under the log file size, then the largest
 * value there is.
 *
 * <p>By default it is scaled down (1 MiB log files, about 12 MiB of values); {@code -Plong} runs it at full size
 * ({@code -Dviper.large.bytes=5368709120 -Dviper.large.logFileSize=1073741824}: 1 GiB log files, value logs of almost
 * 2 GiB, over 5 GiB of values; about 12 GB of free disk and 3 GB of heap).
 */
class LargeValueLogTest {

    private static final long TOTAL = Long.getLong("viper.large.bytes", 12L << 20);
    private static final long LOG_FILE_SIZE = Long.getLong("viper.large.logFileSize", 1L << 20);
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dir;

    /** The sizes of the values to write: per segment, four that fill it to just under the roll, then the largest. */
    private static List<Integer> valueSizes() {
        long quarter = LOG_FILE_SIZE / 4;
        int largest = (int) Math.min(KeyValueStore.MAX_VALUE_BYTES, LOG_FILE_SIZE - LOG_FILE_SIZE / 1024);
        List<Integer> sizes = new ArrayList<>();
        long total = 0;
        while (total < TOTAL) {
            for (long size : new long[] {quarter, quarter, quarter, quarter - LOG_FILE_SIZE / 1024, largest}) {
                sizes.add((int) size);
                total += size;
                if (total >= TOTAL) {
                    break;
                }
            }
        }
        return sizes;
    }

    @Test
    void valueLogsOfNearlyTwiceTheLogFileSizeAreWrittenReadReopenedAndReclaimed() throws IOException {
        List<Integer> sizes = valueSizes();
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        long usable = Files.getFileStore(dir).getUsableSpace();
        Assumptions.assumeTrue(usable > 2.5 * total, () -> "needs " + 2.5 * total / (1 << 20) + " MiB of free disk "
                + "in " + dir + ", has " + usable / (1 << 20) + " MiB");
        StoreOptions options = StoreOptions.builder().codec(BytesCodec.NAME).logFileSize(LOG_FILE_SIZE).build();
        long started = System.nanoTime();
        try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, options)) {
            for (int n = 0; n < sizes.size(); n++) {
                store.put(key(n), value(n, sizes.get(n)));
            }
        }
        long written = System.nanoTime();
        List<Long> valueLogSizes = valueLogSizes();
        long largestLog = valueLogSizes.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("Large store: %d values, %.1f MiB, log file size %d MiB; value logs (MiB): %s%n",
                sizes.size(), total / 1048576.0, LOG_FILE_SIZE >> 20,
                valueLogSizes.stream().map(s -> String.format("%.1f", s / 1048576.0)).toList());
        assertTrue(largestLog > 2 * LOG_FILE_SIZE - LOG_FILE_SIZE / 128, "a value log of nearly twice the log file "
                + "size: " + valueLogSizes);
        assertTrue(largestLog <= ValueLog.MAX_SIZE, "no value log passes one mapping: " + valueLogSizes);

        try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, options)) {
            for (int n = 0; n < sizes.size(); n++) {
                check(store, n, sizes.get(n));
            }
            for (int n = 0; n < sizes.size(); n += 2) {
                store.remove(key(n));
            }
            ReclaimResult reclaim = store.reclaim();
            assertEquals((sizes.size()) / 2, reclaim.recordsKept());
            System.out.printf("Large store: reclaim %.1f MiB -> %.1f MiB in %d ms%n",
                    reclaim.bytesBefore() / 1048576.0, reclaim.bytesAfter() / 1048576.0,
                    reclaim.elapsed().toMillis());
            checkHalf(store, sizes);
        }
        try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, options)) {
            checkHalf(store, sizes);
        }
        System.out.printf("Large store: written in %.1f s; reopened, read back, reclaimed and read back twice in "
                + "%.1f s%n", (written - started) / 1e9, (System.nanoTime() - written) / 1e9);
    }

    private static String key(int n) {
        return "value-" + n;
    }

    /** The value of key {@code n}: pseudo-random bytes from a seed of its own, made a chunk at a time. */
    private static byte[] value(int n, int size) {
        byte[] value = new byte[size];
        SplittableRandom random = new SplittableRandom(n);
        byte[] chunk = new byte[CHUNK];
        for (int at = 0; at < size; at += CHUNK) {
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, value, at, Math.min(CHUNK, size - at));
        }
        return value;
    }

    /** Checks the value of key {@code n} a chunk at a time, so that no second copy of a 1 GiB value is needed. */
    private static void check(KeyValueStore<byte[]> store, int n, int size) {
        byte[] read = store.get(key(n));
        assertEquals(size, read.length, key(n));
        SplittableRandom random = new SplittableRandom(n);
        byte[] chunk = new byte[CHUNK];
        byte[] stored = new byte[CHUNK];
        for (int at = 0; at < size; at += CHUNK) {
            random.nextBytes(chunk);
            int length = Math.min(CHUNK, size - at);
            System.arraycopy(read, at, stored, 0, length);
            if (length < CHUNK) {
                System.arraycopy(chunk, length, stored, length, CHUNK - length);
            }
            assertArrayEquals(chunk, stored, key(n) + " at " + at);
        }
    }

    private static void checkHalf(KeyValueStore<byte[]> store, List<Integer> sizes) {
        for (int n = 0; n < sizes.size(); n++) {
            if (n % 2 == 0) {
                assertNull(store.get(key(n)));
            } else {
                check(store, n, sizes.get(n));
            }
        }
    }

    private List<Long> valueLogSizes() throws IOException {
        List<Long> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".vlog")).sorted().toList()) {
                result.add(Files.size(file));
            }
        }
        return result;
    }
}
