package io.viperdb.bench.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.bench.store.Loading;
import io.viperdb.bench.store.StoreAdapter;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle harness end to end, in real child JVMs, on small stores: what it records for a store that recovers
 * from the kill, for one that does not, and for the reopen at a second key count. Only that figures are there, never
 * what they are: the figures are for the report.
 */
class LifecycleTest {

    private static final int KEYS = 3_000;
    private static final int VALUE_SIZE = 100;

    @Test
    void aStoreKilledAfterFlushedWritesIsReopenedAndItsReopenTimeRecorded(@TempDir Path data) throws Exception {
        LifecycleResult result = new Lifecycle(data).measure("viper", KEYS, VALUE_SIZE);

        assertNull(result.failure(), result.toString());
        assertNull(result.failureAfterKill(), result.toString());
        assertTrue(result.get(LifecycleResult.REOPEN_MILLIS).isPresent(), result.toString());
        assertTrue(result.get(LifecycleResult.REOPEN_AFTER_KILL_MILLIS).isPresent(), result.toString());
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(0, left.count(), "the store's directory is deleted afterwards");
        }
    }

    @Test
    void aStoreThatLostTheWritesBeforeTheKillIsRecordedAsNotRecoveredAndTheHarnessGoesOn(@TempDir Path data) {
        // A store that holds only the fill's values, where the kill phase would have left newer ones: what a store
        // that loses flushed writes in a crash looks like to the phase that opens it afterwards.
        Path directory = data.resolve("viper-lost-writes");
        Workload workload = new Workload(KEYS, VALUE_SIZE);
        StoreAdapter store = Stores.create("viper");
        store.open(directory, Loading.shapeOf(workload));
        Loading.write(store, workload, workload::key, Loading.keyOrder(KEYS), 1);
        store.close();
        LifecycleResult result = new LifecycleResult("viper", VALUE_SIZE);

        new Lifecycle(data).openAfterKill(result, KEYS, directory);

        assertNull(result.failure(), "not a failure of the harness: " + result);
        assertTrue(result.failureAfterKill() != null && result.failureAfterKill().contains("key0000000000000"),
                result.toString());
        assertTrue(result.get(LifecycleResult.REOPEN_AFTER_KILL_MILLIS).isEmpty(), result.toString());
    }

    @Test
    void theReopenAtASecondKeyCountIsMeasuredOnAStoreOfItsOwn(@TempDir Path data) throws Exception {
        LifecycleResult result = new LifecycleResult("viper", VALUE_SIZE);

        new Lifecycle(data).measureLargeReopen(result, 2 * KEYS);

        assertTrue(result.get(LifecycleResult.LARGE_REOPEN_MILLIS).isPresent(), result.toString());
        assertTrue(result.figureFailures().isEmpty(), result.toString());
        assertTrue(result.get(LifecycleResult.REOPEN_MILLIS).isEmpty(), "the lifecycle's own figures are untouched");
        try (Stream<Path> left = Files.list(data)) {
            assertEquals(0, left.count(), "the store's directory is deleted afterwards");
        }
    }
}
