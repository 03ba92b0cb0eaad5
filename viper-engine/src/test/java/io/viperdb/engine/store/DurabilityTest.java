package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.SyncPolicy;
import io.viperdb.engine.testing.FaultyFileAccess;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What each sync policy keeps through a power cut, and that syncing writers share their syncs. */
class DurabilityTest {

    @TempDir
    Path dir;

    private static StoreOptions options(SyncPolicy policy) {
        return StoreOptions.builder().codec(new TextCodec()).syncPolicy(policy).build();
    }

    /** Writes, cuts the power without closing, and returns the store the device holds. */
    private KeyValueStore<String> afterPowerCut(SyncPolicy policy, java.util.function.Consumer<KeyValueStore<String>> work) {
        FaultyFileAccess access = new FaultyFileAccess(dir);
        KeyValueStore<String> store = StoreOpener.open(dir, options(policy), access);
        work.accept(store);
        access.cutPowerAt(access.operations() + 1);
        try {
            store.close();
        } catch (RuntimeException expected) {
            // The power is off: nothing more reaches the device.
        }
        access.cutPower(null);
        return KeyValueStore.open(dir, options(policy));
    }

    @Test
    void withManualSyncWhatWasSyncedSurvivesAPowerCutAndWhatWasOnlyFlushedDoesNot() {
        try (KeyValueStore<String> store = afterPowerCut(SyncPolicy.manual(), s -> {
            s.put("synced", "yes");
            s.sync();
            s.put("flushed", "only");
            s.flush();
        })) {
            assertHolds(Map.of("synced", "yes"), store, List.of("synced", "flushed"), "after the power cut");
        }
    }

    @Test
    void aReclaimThatFindsNothingDeadStillMakesEveryEarlierWriteDurable() {
        try (KeyValueStore<String> store = afterPowerCut(SyncPolicy.manual(), s -> {
            s.put("a", "1");
            s.put("b", "2");
            assertEquals(0, s.reclaim().bytesFreed(), "nothing was dead");
        })) {
            assertHolds(Map.of("a", "1", "b", "2"), store, List.of("a", "b"), "after the power cut");
        }
    }

    @Test
    void withSyncOnEveryWriteEveryReturnedWriteSurvivesAPowerCut() {
        Map<String, String> expected = new HashMap<>();
        try (KeyValueStore<String> store = afterPowerCut(SyncPolicy.always(), s -> {
            for (int i = 0; i < 50; i++) {
                s.put("k" + i, "v" + i);
                expected.put("k" + i, "v" + i);
            }
            s.remove("k7");
            expected.remove("k7");
        })) {
            assertHolds(expected, store, expected.keySet(), "after the power cut");
        }
    }

    @Test
    @Timeout(60)
    void withPeriodicSyncWritesReachTheDeviceWithinTheInterval() throws Exception {
        FaultyFileAccess access = new FaultyFileAccess(dir);
        try (KeyValueStore<String> store = StoreOpener.open(dir, options(SyncPolicy.every(Duration.ofMillis(20))),
                access)) {
            long before = access.count(FaultyFileAccess.Operation.FORCE);
            store.put("k", "v");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (access.count(FaultyFileAccess.Operation.FORCE) < before + 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(access.count(FaultyFileAccess.Operation.FORCE) >= before + 2,
                    "the background thread synced the value log and the key log");
            long idle = access.count(FaultyFileAccess.Operation.FORCE);
            Thread.sleep(200);
            assertTrue(access.count(FaultyFileAccess.Operation.FORCE) == idle, "with nothing written, no sync");
        }
    }

    @Test
    @Timeout(60)
    void concurrentWritersShareSyncs() throws Exception {
        FaultyFileAccess access = new FaultyFileAccess(dir).withRealSync();
        int threads = 8;
        int puts = 100;
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try (KeyValueStore<String> store = StoreOpener.open(dir, options(SyncPolicy.always()), access)) {
            long before = access.count(FaultyFileAccess.Operation.FORCE);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(Workers.start(() -> {
                    for (int i = 0; i < puts; i++) {
                        store.put("t" + id + "-" + i, "v");
                    }
                }, failures));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            long forces = access.count(FaultyFileAccess.Operation.FORCE) - before;
            // Each sync forces two files; without sharing there would be 2 per put.
            System.out.printf("group commit: %d puts from %d threads took %d syncs%n", threads * puts, threads,
                    forces / 2);
            assertTrue(forces / 2 < threads * puts / 2, forces / 2 + " syncs for " + threads * puts + " puts");
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    @Timeout(120)
    void aStoreThatWritesMuchSyncsInTheBackgroundUnasked() throws Exception {
        // Unasked, but only sooner than the manual policy promises: what the writer does not sync itself may be lost.
        FaultyFileAccess access = new FaultyFileAccess(dir);
        String value = "v".repeat(1000);
        int pastTheMark = (int) (BackgroundSync.BYTES / 1000) + 1;
        KeyValueStore<String> store = StoreOpener.open(dir, options(SyncPolicy.manual()), access);
        long before = access.count(FaultyFileAccess.Operation.FORCE);
        for (int i = 0; i < pastTheMark; i++) {
            store.put("k" + i, value);
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (access.count(FaultyFileAccess.Operation.FORCE) < before + 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // The background sync forces the value log, then the key log; let it finish before the power goes.
        Thread.sleep(200);
        access.cutPowerAt(access.operations() + 1);
        try {
            store.close();
        } catch (RuntimeException expected) {
            // The power is off.
        }
        access.cutPower(null);
        // Each record takes less than 1,100 bytes (a header, a key of at most 7 bytes, the value), so all of these
        // were written before the mark that started the background sync.
        int beforeTheMark = (int) (BackgroundSync.BYTES / 1100);
        try (KeyValueStore<String> reopened = KeyValueStore.open(dir, options(SyncPolicy.manual()))) {
            for (int i = 0; i < beforeTheMark; i++) {
                assertEquals(value, reopened.get("k" + i), "k" + i + " after the power cut");
            }
        }
    }

    @Test
    void syncAfterCloseIsRefused() {
        KeyValueStore<String> store = KeyValueStore.open(dir, options(SyncPolicy.manual()));
        store.close();
        assertThrows(io.viperdb.StoreClosedException.class, store::sync);
    }
}
