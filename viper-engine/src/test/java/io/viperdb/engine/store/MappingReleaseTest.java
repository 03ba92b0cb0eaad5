package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreOptions;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store unmaps its files itself, at once, and never under a reader: reads that race with {@code close()} and with
 * {@code reclaim()} deleting segments return the right bytes or {@link StoreClosedException}, never garbage and never
 * a crash of the JVM (which is what reading an unmapped buffer does on JDK 17); and once a segment is deleted, or the
 * store closed, no mapping of its log files is left in {@code /proc/self/maps} (the index file's are the garbage
 * collector's to release). Real files, real mappings.
 *
 * <p>Every value is a function of its key and is rewritten with the same content, so whatever a read returns can be
 * checked exactly, however it races with writes and reclaims. {@code -Dviper.mapping.millis=N} sets how long each race
 * runs (1500 by default).
 */
class MappingReleaseTest {

    private static final long RACE_MILLIS = Long.getLong("viper.mapping.millis", 1500);
    private static final int KEYS = 2000;

    @TempDir
    Path dir;

    private static StoreOptions options() {
        // Small files: many segments to delete, and mappings that grow (and are replaced) often.
        return StoreOptions.builder().codec(new TextCodec()).logFileSize(64 << 10).build();
    }

    private static String key(int i) {
        return "key-" + i;
    }

    /** A value of 20 to 400 bytes that only its key determines. */
    private static String value(int i) {
        return ("value of " + i + " ").repeat(1 + i % 20);
    }

    @Test
    void mappingsAreReleasedWithTheImplementationOfThisJdk() {
        String implementation = FileAccess.mappingImplementation();
        boolean fromJar = codeSource().toString().endsWith(".jar");
        System.out.println("Mappings on JDK " + Runtime.version().feature() + ", engine classes from "
                + (fromJar ? "the multi-release jar" : "a directory (no multi-release lookup)") + ": "
                + implementation);
        if (Runtime.version().feature() >= 22 && fromJar) {
            assertTrue(implementation.startsWith("MemorySegment of a shared Arena"), implementation);
        } else {
            assertTrue(implementation.equals("MappedByteBuffer, released with sun.misc.Unsafe.invokeCleaner"),
                    implementation);
        }
    }

    private static Path codeSource() {
        try {
            return Path.of(FileAccess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsRacingWithCloseGetTheRightBytesOrStoreClosed() throws Exception {
        for (int round = 0; round < 5; round++) {
            KeyValueStore<String> store = KeyValueStore.open(dir, options());
            fill(store);
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicLong reads = new AtomicLong();
            AtomicLong closedSeen = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = 31L * round + t;
                threads.add(Workers.start(() -> readUntilClosed(store, seed, reads, closedSeen), failures));
            }
            // A writer too, so the active segment grows, is remapped and is rolled while the readers read.
            long writerSeed = round;
            threads.add(Workers.start(() -> writeUntilClosed(store, writerSeed, closedSeen), failures));
            Thread.sleep(RACE_MILLIS / 5);
            store.close();
            for (Thread thread : threads) {
                thread.join(60_000);
                assertFalse(thread.isAlive(), "a reader or writer did not notice the close");
            }
            assertEquals(List.of(), failures, "round " + round);
            assertEquals(4, closedSeen.get(), "every reader and the writer ended on StoreClosedException");
            assertTrue(reads.get() > 0);
            assertThrows(StoreClosedException.class, () -> store.get(key(1)));
            assertNoMappingOfStoreFiles("after close");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options())) {
            for (int i = 0; i < KEYS; i++) {
                assertEquals(value(i), store.get(key(i)));
            }
        }
    }

    @Test
    void readsRacingWithReclaimsThatDeleteSegmentsGetTheRightBytes() throws Exception {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options())) {
            fill(store);
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong reclaims = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                SplittableRandom random = new SplittableRandom(t);
                threads.add(Workers.start(() -> {
                    while (!stop.get()) {
                        int i = random.nextInt(KEYS);
                        assertValue(store, i);
                        reads.incrementAndGet();
                    }
                }, failures));
            }
            threads.add(Workers.start(() -> {
                SplittableRandom random = new SplittableRandom(99);
                while (!stop.get()) {
                    int i = random.nextInt(KEYS);
                    store.put(key(i), value(i));
                }
            }, failures));
            threads.add(Workers.start(() -> {
                while (!stop.get()) {
                    store.reclaim();
                    reclaims.incrementAndGet();
                }
            }, failures));
            Thread.sleep(RACE_MILLIS);
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            assertEquals(List.of(), failures);
            assertTrue(reclaims.get() > 1 && reads.get() > 1000, reclaims + " reclaims, " + reads + " reads");
            System.out.println("Reads racing with reclaims: " + reads + " reads, " + reclaims + " reclaims");
            // Every reader has left: each file is mapped at most once (replaced mappings are gone), and no deleted
            // file is mapped at all.
            assertMappingsOnlyOfLiveFiles("after reclaims under load");
            for (int i = 0; i < KEYS; i++) {
                assertValue(store, i);
            }
        }
        assertNoMappingOfStoreFiles("after close");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void reclaimGivesTheDiskSpaceOfDeletedSegmentsBackAtOnce() throws Exception {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options())) {
            fill(store);
            fill(store);
            for (int i = 0; i < KEYS; i++) {
                assertValue(store, i); // maps every segment
            }
            Set<Path> before = valueLogs();
            assertTrue(before.size() > 5, "segments: " + before);
            assertTrue(mappedStoreFiles().containsAll(before), "each value log is mapped");
            store.reclaim();
            Set<Path> deleted = new TreeSet<>(before);
            deleted.removeAll(valueLogs());
            assertFalse(deleted.isEmpty());
            List<String> stillMapped = new ArrayList<>();
            for (String line : mapsLines()) {
                for (Path file : deleted) {
                    if (line.contains(file.toString())) {
                        stillMapped.add(line);
                    }
                }
            }
            assertEquals(List.of(), stillMapped, "deleted files still mapped after reclaim");
            for (Path file : deleted) {
                assertFalse(Files.exists(file));
            }
            for (int i = 0; i < KEYS; i++) {
                assertValue(store, i);
            }
        }
    }

    private static void fill(KeyValueStore<String> store) {
        for (int i = 0; i < KEYS; i++) {
            store.put(key(i), value(i));
        }
    }

    private static void assertValue(KeyValueStore<String> store, int i) {
        String read = store.get(key(i));
        if (!value(i).equals(read)) {
            throw new AssertionError("key " + key(i) + ": expected " + value(i) + " but read " + read);
        }
    }

    private static void readUntilClosed(KeyValueStore<String> store, long seed, AtomicLong reads,
            AtomicLong closedSeen) {
        SplittableRandom random = new SplittableRandom(seed);
        try {
            while (true) {
                assertValue(store, random.nextInt(KEYS));
                reads.incrementAndGet();
            }
        } catch (StoreClosedException expected) {
            closedSeen.incrementAndGet();
        }
    }

    private static void writeUntilClosed(KeyValueStore<String> store, long seed, AtomicLong closedSeen) {
        SplittableRandom random = new SplittableRandom(seed);
        try {
            while (true) {
                int i = random.nextInt(KEYS);
                store.put(key(i), value(i));
            }
        } catch (StoreClosedException expected) {
            closedSeen.incrementAndGet();
        }
    }

    private Set<Path> valueLogs() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return new TreeSet<>(files.filter(f -> f.toString().endsWith(".vlog")).toList());
        }
    }

    private static List<String> mapsLines() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The log files of the store directory that are mapped, one entry per mapping. The index file is left out: the
     * index a store opened from it maps it copy-on-write, and readers of the index hold no count the store could wait
     * for, so those mappings go when the garbage collector finds them unreachable, not at close (README, "Status and
     * limits").
     */
    private List<Path> mappedStoreFiles() {
        List<Path> mapped = new ArrayList<>();
        String prefix = dir.toAbsolutePath() + "/";
        for (String line : mapsLines()) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                Path file = Path.of(line.substring(at).replace(" (deleted)", ""));
                if (!file.getFileName().toString().equals(StoreDirectory.INDEX)) {
                    mapped.add(file);
                }
            }
        }
        return mapped;
    }

    private void assertNoMappingOfStoreFiles(String when) {
        if (Files.isReadable(Path.of("/proc/self/maps"))) {
            assertEquals(List.of(), mappedStoreFiles(), when);
        }
    }

    private void assertMappingsOnlyOfLiveFiles(String when) throws IOException {
        if (!Files.isReadable(Path.of("/proc/self/maps"))) {
            return;
        }
        List<Path> mapped = mappedStoreFiles();
        Set<Path> live = valueLogs();
        assertEquals(new TreeSet<>(mapped).size(), mapped.size(), when + ": a file is mapped twice: " + mapped);
        assertTrue(live.containsAll(mapped), when + ": mapped " + mapped + ", on disk " + live);
    }
}
