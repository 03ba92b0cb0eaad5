package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreIOException;
import io.viperdb.StoreOptions;
import io.viperdb.engine.testing.FaultyFileAccess;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code reclaim()} gives back the space of dead records and never changes what the store holds. */
class ReclaimTest {

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    private StoreOptions options(long logFileSize) {
        return StoreOptions.builder().codec(new TextCodec()).clock(clock).logFileSize(logFileSize).build();
    }

    @Test
    void dropsOverwrittenRemovedAndExpiredRecordsAndKeepsTheLiveOnes() {
        StoreOptions options = options(StoreOptions.DEFAULT_LOG_FILE_SIZE);
        Map<String, String> expected = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 1000; i++) {
                    store.put("k" + i, "round " + round + " of " + i + " " + "x".repeat(80));
                }
            }
            for (int i = 0; i < 1000; i++) {
                if (i % 3 == 0) {
                    store.remove("k" + i);
                } else if (i % 3 == 1) {
                    store.put("k" + i, "short-lived", Duration.ofSeconds(1));
                } else {
                    expected.put("k" + i, "round 4 of " + i + " " + "x".repeat(80));
                }
            }
            clock.advance(Duration.ofSeconds(2));
            ReclaimResult result = store.reclaim();
            assertEquals(expected.size(), result.recordsKept());
            assertTrue(result.bytesAfter() < result.bytesBefore() / 10, result.toString());
            assertEquals(result.bytesBefore() - result.bytesAfter(), result.bytesFreed());
            assertHolds(expected, store, universe(), "after reclaim");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(expected, store, universe(), "after reopen");
        }
    }

    private static Set<String> universe() {
        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    @Test
    void rewritesManySegmentsIntoFewAndDeletesTheOldFiles() {
        StoreOptions options = options(StoreOptions.MIN_LOG_FILE_SIZE);
        Map<String, String> expected = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int i = 0; i < 3000; i++) {
                String key = "k" + (i % 300);
                store.put(key, "value " + i);
                expected.put(key, "value " + i);
            }
            List<Path> before = StoreFiles.withSuffix(dir, ".vlog");
            assertTrue(before.size() > 20, "small log files roll often: " + before.size());
            store.reclaim();
            List<Path> after = StoreFiles.withSuffix(dir, ".vlog");
            assertTrue(after.size() < before.size() / 5, before.size() + " -> " + after.size());
            for (Path old : before.subList(0, before.size() - 1)) {
                assertTrue(Files.notExists(old), old + " is deleted");
            }
            for (Path file : after) {
                assertTrue(StoreFiles.size(file) < StoreOptions.MIN_LOG_FILE_SIZE + 100, file.toString());
            }
            assertHolds(expected, store, expected.keySet(), "after reclaim");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(expected, store, expected.keySet(), "after reopen");
        }
    }

    @Test
    void reclaimingAnEmptyOrAlreadyReclaimedStoreChangesNothing() {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options(StoreOptions.DEFAULT_LOG_FILE_SIZE))) {
            ReclaimResult empty = store.reclaim();
            assertEquals(0, empty.recordsKept());
            store.put("k", "v");
            store.reclaim();
            ReclaimResult again = store.reclaim();
            assertEquals(again.bytesBefore(), again.bytesAfter(), again.toString());
            assertEquals("v", store.get("k"));
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options(StoreOptions.DEFAULT_LOG_FILE_SIZE))) {
            assertEquals("v", store.get("k"));
        }
    }

    /** The name and bytes of every segment file and the manifest (not the lock or sync mark, which an open writes). */
    private static Map<String, String> segmentFiles(Path dir) {
        Map<String, String> files = new java.util.TreeMap<>();
        for (Path file : StoreFiles.list(dir)) {
            String name = file.getFileName().toString();
            if (name.endsWith(".vlog") || name.endsWith(".klog") || name.equals("viper.manifest")) {
                files.put(name, java.util.HexFormat.of().formatHex(StoreFiles.read(file)));
            }
        }
        return files;
    }

    @Test
    void aStoreWithNothingDeadIsLeftAsItIsAndTheResultSaysSo() {
        StoreOptions options = options(StoreOptions.MIN_LOG_FILE_SIZE);
        Map<String, String> expected = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int i = 0; i < 300; i++) {
                store.put("k" + i, "value " + i + " " + "z".repeat(40));
                expected.put("k" + i, "value " + i + " " + "z".repeat(40));
            }
            store.put("expires later", "v", Duration.ofHours(1));
            expected.put("expires later", "v");
            assertTrue(StoreFiles.withSuffix(dir, ".vlog").size() > 3, "sealed segments and an active one");
            // Flushed first: the reclaim syncs (it makes every earlier write durable), which writes out the buffers.
            store.flush();
            Map<String, String> before = segmentFiles(dir);
            ReclaimResult result = store.reclaim();
            assertEquals(0, result.bytesFreed(), result.toString());
            assertEquals(expected.size(), result.recordsKept(), "every record is kept, where it is");
            assertEquals(before, segmentFiles(dir), "no file rewritten, no segment rolled, the manifest as it was");
            assertTrue(store.stats().lastReclaim().isEmpty(), "nothing was reclaimed");
            assertHolds(expected, store, expected.keySet(), "after a reclaim that had nothing to do");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(expected, store, expected.keySet(), "after reopen");
        }
    }

    @Test
    void aDeleteAnExpiredValueOrAnOverwriteIsEachEnoughToReclaim() {
        StoreOptions options = options(StoreOptions.DEFAULT_LOG_FILE_SIZE);
        for (String dead : List.of("delete", "expiry", "overwrite")) {
            Path store = dir.resolve(dead);
            try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
                kv.put("a", "1");
                switch (dead) {
                    case "delete" -> {
                        kv.put("b", "2");
                        kv.remove("b");
                    }
                    case "expiry" -> {
                        kv.put("b", "2", Duration.ofSeconds(1));
                        clock.advance(Duration.ofSeconds(2));
                    }
                    default -> kv.put("a", "1 again");
                }
                ReclaimResult result = kv.reclaim();
                assertEquals(1, result.recordsKept(), dead);
                assertTrue(kv.stats().lastReclaim().isPresent(), dead + ": reclaimed");
                assertEquals(0, kv.stats().deadBytes(), dead);
            }
        }
    }

    @Test
    void aDamagedRecordInTheMiddleOfARunOfLiveRecordsIsReportedAndNothingOfTheRunIsCopied() {
        StoreOptions options = options(StoreOptions.DEFAULT_LOG_FILE_SIZE);
        Map<String, String> expected = new HashMap<>();
        Path sealed;
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            // Something for each reclaim to drop, without which it would leave the store as it is: an overwritten
            // record for the first, and a value that expires before the second.
            store.put("k0", "overwritten");
            store.put("expiring", "gone by the second reclaim", Duration.ofHours(1));
            for (int i = 0; i < 300; i++) {
                store.put("k" + i, "value " + i + " " + "y".repeat(50));
                expected.put("k" + i, "value " + i + " " + "y".repeat(50));
            }
            // One sealed segment of 300 consecutive live records: a reclaim copies them as one block.
            store.reclaim();
            sealed = StoreFiles.withSuffix(dir, ".vlog").stream().max(Comparator.comparingLong(StoreFiles::size))
                    .orElseThrow(); // the other is the new, empty active segment
        }
        long middle = StoreFiles.size(sealed) / 2;
        StoreFiles.flip(sealed, middle, 0x04);
        List<Path> files = new ArrayList<>(StoreFiles.list(dir));
        clock.advance(Duration.ofHours(2));
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            CorruptStoreException e = assertThrows(CorruptStoreException.class, store::reclaim);
            assertEquals(sealed, e.file());
            assertTrue(e.offset() <= middle && e.offset() > middle - 100, "the record holding the byte: " + e);
            assertEquals(files, StoreFiles.list(dir), "no copy is left, and the damaged file stays");
            String damaged = null;
            for (String key : expected.keySet()) {
                try {
                    assertEquals(expected.get(key), store.get(key));
                } catch (CorruptStoreException readError) {
                    assertEquals(e.offset(), readError.offset());
                    damaged = key;
                }
            }
            assertTrue(damaged != null, "the read of the damaged record fails too");
            expected.remove(damaged);
            store.remove(damaged);
            store.reclaim();
            assertHolds(expected, store, universe(), "after the damaged key was removed and the store reclaimed");
        }
    }

    /** About 48 MiB of live records: more than one background sync's worth of copying. */
    private static Map<String, String> fillPastTheBackgroundSyncStep(KeyValueStore<String> store) {
        Map<String, String> expected = new HashMap<>();
        String filler = "x".repeat(16 << 10);
        for (int i = 0; i < 3000; i++) {
            store.put("k" + i, "first " + i + filler);
        }
        for (int i = 0; i < 3000; i++) {
            expected.put("k" + i, "first " + i + filler);
        }
        for (int i = 0; i < 3000; i += 2) {
            store.put("k" + i, "second " + i + filler);
            expected.put("k" + i, "second " + i + filler);
        }
        return expected;
    }

    @Test
    void aLargeReclaimHasTheDeviceWriteItsCopyWhileItCopies() {
        assertTrue(3000L * (16 << 10) > BackgroundSync.BYTES, "the copy must pass one background sync's worth");
        FaultyFileAccess access = new FaultyFileAccess(dir).withRealSync();
        Map<String, String> expected;
        try (KeyValueStore<String> store = StoreOpener.open(dir, options(64 << 20), access)) {
            expected = fillPastTheBackgroundSyncStep(store);
            ReclaimResult result = store.reclaim();
            assertEquals(expected.size(), result.recordsKept());
            assertTrue(access.forcesOnThreads("viperdb-reclaim-writeback") > 0,
                    "the new segment was synced in the background while it was being copied");
            assertHolds(expected, store, expected.keySet(), "after reclaim");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options(64 << 20))) {
            assertHolds(expected, store, expected.keySet(), "after reopen");
        }
    }

    @Test
    void aBackgroundSyncOfTheCopyThatFailsFailsTheReclaimBeforeItsCommitAndTheStoreGoesOn() {
        FaultyFileAccess access = new FaultyFileAccess(dir).failForcesOnThreads("viperdb-reclaim-writeback");
        Map<String, String> expected;
        try (KeyValueStore<String> store = StoreOpener.open(dir, options(64 << 20), access)) {
            expected = fillPastTheBackgroundSyncStep(store);
            List<Path> before = StoreFiles.withSuffix(dir, ".vlog");
            StoreIOException failure = assertThrows(StoreIOException.class, store::reclaim);
            assertTrue(failure.getCause().getMessage().contains("injected failure of a force"), failure::toString);
            assertTrue(access.forcesOnThreads("viperdb-reclaim-writeback") > 0);
            List<Path> after = StoreFiles.withSuffix(dir, ".vlog");
            assertTrue(after.containsAll(before) && after.size() == before.size() + 1,
                    "the old segments stay, the copy is deleted; only the segment the reclaim rolled to is new: "
                            + before + " -> " + after);
            assertHolds(expected, store, expected.keySet(), "after the failed reclaim");
            store.put("k0", "written after the failed reclaim");
            expected.put("k0", "written after the failed reclaim");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options(64 << 20))) {
            assertHolds(expected, store, expected.keySet(), "after reopen");
            store.reclaim();
            assertHolds(expected, store, expected.keySet(), "after a reclaim that succeeds");
        }
    }

    @Test
    void aCrashAfterTheManifestSwitchButBeforeTheOldFilesAreDeletedOpensToTheNewState() {
        StoreOptions options = options(StoreOptions.MIN_LOG_FILE_SIZE);
        Map<String, String> expected = new HashMap<>();
        Path before = dir.resolve("before");
        Path store = dir.resolve("store");
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            for (int i = 0; i < 500; i++) {
                kv.put("k" + (i % 50), "v" + i);
                expected.put("k" + (i % 50), "v" + i);
            }
        }
        StoreFiles.snapshot(store, before);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            kv.reclaim();
        }
        // Put the pre-reclaim segment files back, as if the crash came between the rename and the deletes.
        for (Path file : StoreFiles.list(before)) {
            Path target = store.resolve(file.getFileName());
            if (!file.getFileName().toString().startsWith("viper") && Files.notExists(target)) {
                StoreFiles.write(target, StoreFiles.read(file));
            }
        }
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            assertHolds(expected, kv, expected.keySet(), "after the interrupted reclaim");
        }
        assertEquals(StoreFiles.withSuffix(store, ".vlog").size(), StoreFiles.withSuffix(store, ".klog").size());
        for (Path file : StoreFiles.withSuffix(before, ".vlog")) {
            assertTrue(Files.notExists(store.resolve(file.getFileName())), "leftover " + file.getFileName());
        }
    }

    @Test
    @Timeout(60)
    void writersAndReadersCarryOnWhileReclaimRuns() throws Exception {
        StoreOptions options = options(64 << 10);
        int writers = 3;
        Map<String, String> lastWritten = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new ArrayList<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            CountDownLatch started = new CountDownLatch(writers);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                threads.add(Workers.start(() -> {
                    started.countDown();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int n = 0; !stop.get() || n < 2000; n++) {
                        String key = "w" + id + "-" + random.nextInt(200);
                        if (random.nextInt(5) == 0) {
                            store.remove(key);
                            lastWritten.remove(key);
                        } else {
                            String value = key + "#" + n;
                            store.put(key, value);
                            lastWritten.put(key, value);
                        }
                        String seen = store.get(key);
                        if (!java.util.Objects.equals(seen, lastWritten.get(key))) {
                            throw new AssertionError("read " + seen + " after writing " + lastWritten.get(key));
                        }
                    }
                }, failures));
            }
            started.await();
            int reclaims = 0;
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < deadline) {
                store.reclaim();
                reclaims++;
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(reclaims > 3, "reclaims: " + reclaims);
            assertHolds(Map.copyOf(lastWritten), store, universe(writers), "after concurrent reclaims");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(Map.copyOf(lastWritten), store, universe(writers), "after reopen");
        }
    }

    private static Set<String> universe(int writers) {
        Set<String> keys = new TreeSet<>();
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < 200; i++) {
                keys.add("w" + w + "-" + i);
            }
        }
        return keys;
    }
}
