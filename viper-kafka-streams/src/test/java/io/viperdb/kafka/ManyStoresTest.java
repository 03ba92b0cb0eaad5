package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka opens a store per partition and per operator, often hundreds in one JVM: with the default settings they start
 * no thread of their own, and the reclaims their commits ask for run on one shared thread.
 */
class ManyStoresTest {

    private static final int STORES = 500;

    @TempDir
    Path stateDir;

    @Test
    void fiveHundredStoresStartNoThread() {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long openFilesBefore = openFiles();
        List<KeyValueStore<Bytes, byte[]>> stores = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < STORES; i++) {
            stores.add(new TestContext(stateDir).open("store-" + i));
        }
        long opened = System.nanoTime();
        TopicPartition changelog = new TopicPartition("changelog", 0);
        for (KeyValueStore<Bytes, byte[]> store : stores) {
            for (int k = 0; k < 20; k++) {
                store.put(Bytes.wrap(new byte[] {(byte) k}), new byte[100]);
            }
            store.commit(Map.of(changelog, 20L));
        }
        long committed = System.nanoTime();
        int threadsOpen = ManagementFactory.getThreadMXBean().getThreadCount();
        long openFiles = openFiles() - openFilesBefore;
        for (KeyValueStore<Bytes, byte[]> store : stores) {
            store.close();
        }
        long closed = System.nanoTime();

        stores.clear();
        for (int i = 0; i < STORES; i++) {
            stores.add(new TestContext(stateDir).open("store-" + i));
        }
        long reopened = System.nanoTime();
        int threadsReopened = ManagementFactory.getThreadMXBean().getThreadCount();
        for (KeyValueStore<Bytes, byte[]> store : stores) {
            assertEquals(20L, store.committedOffset(changelog));
            assertEquals(20, store.approximateNumEntries());
            store.close();
        }

        System.out.printf("%d stores: created in %d ms (%.1f ms each), 20 puts and a commit each in %d ms, closed in "
                + "%d ms, reopened in %d ms (%.1f ms each); threads: %d before, %d with the stores open, %d reopened; "
                + "%d more open files%n", STORES, (opened - start) / 1_000_000, (opened - start) / 1e6 / STORES,
                (committed - opened) / 1_000_000, (closed - committed) / 1_000_000, (reopened - closed) / 1_000_000,
                (reopened - closed) / 1e6 / STORES, threadsBefore, threadsOpen, threadsReopened, openFiles);
        assertEquals(threadsBefore, threadsOpen, "no store started a thread");
        assertEquals(threadsBefore, threadsReopened, "no store started a thread");
    }

    @Test
    void commitsReclaimOnOneSharedThread() {
        List<KeyValueStore<Bytes, byte[]>> stores = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stores.add(new TestContext(stateDir).with("viperdb.log.file.size", String.valueOf(64 << 10))
                    .with("viperdb.sync.on.commit", "false").open("store-" + i));
        }
        int reclaimThreads = 0;
        int viperThreads = 0;
        byte[] value = new byte[1000];
        for (int round = 0; round < 60; round++) {
            for (KeyValueStore<Bytes, byte[]> store : stores) {
                for (int k = 0; k < 50; k++) {
                    value[0] = (byte) round;
                    store.put(Bytes.wrap(new byte[] {(byte) k}), value);
                }
                store.commit(Map.of());
            }
            reclaimThreads = Math.max(reclaimThreads, threads("viperdb-kafka-reclaim"));
            viperThreads = Math.max(viperThreads, threads("viperdb"));
        }
        for (KeyValueStore<Bytes, byte[]> store : stores) {
            store.close();
        }
        long largest = 0;
        for (int i = 0; i < stores.size(); i++) {
            largest = Math.max(largest, valueLogBytes(stateDir.resolve("store-" + i)));
        }
        System.out.printf("10 stores each wrote 3 MB over 50 KB of live data: at most %d reclaim thread(s) and %d "
                + "ViperDB threads in all at once, largest store %d KB of value logs%n", reclaimThreads, viperThreads,
                largest >> 10);
        assertTrue(reclaimThreads <= 1, "one shared reclaim thread at most, saw " + reclaimThreads);
        // The engine's own background work (syncs, checkpoints) runs on at most 7 threads that every store shares.
        assertTrue(viperThreads <= 1 + 7, "at most 8 ViperDB threads, saw " + viperThreads);
        assertTrue(largest < 1 << 20, "the reclaims kept every store under 1 MB, the largest has " + largest);
    }

    /** The live threads whose names start with {@code prefix}. */
    private static int threads(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix)).count();
    }

    private static long valueLogBytes(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".vlog")).mapToLong(file -> file.toFile().length())
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The open file descriptors of this process (Linux), or 0 where /proc is not there. */
    private static long openFiles() {
        String[] fds = Path.of("/proc/self/fd").toFile().list();
        return fds == null ? 0 : Arrays.stream(fds).count();
    }
}
