package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.index.Entry;
import io.viperdb.engine.index.Place;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index file (recovery rule 10): a clean close saves the index, and the next open loads it instead of replaying
 * the logs, with the same entries a replay would make; an index file that does not cover the logs exactly (stale, of
 * another manifest generation) or that is missing is not used, and the store opens with what its logs hold. Damage
 * to it, every byte flipped and every length cut, is {@link CorruptionCampaignTest}'s.
 */
class IndexFileTest {

    @TempDir
    Path root;

    private final TestClock clock = new TestClock();
    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).clock(clock)
            .logFileSize(StoreOptions.MIN_LOG_FILE_SIZE).build();

    /** Writes puts, overwrites, removes, keys that expire, a batch and a reclaim, over several segments. */
    private Map<String, String> fill(Path dir) {
        Map<String, String> model = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int i = 0; i < 3000; i++) {
                String key = "key-" + (i % 1200);
                String value = "value " + i + " " + "x".repeat(i % 90);
                store.put(key, value);
                model.put(key, value);
                if (i % 7 == 0) {
                    store.remove("key-" + (i % 500));
                    model.remove("key-" + (i % 500));
                }
            }
            store.put("expires later", "soon", Duration.ofHours(1));
            model.put("expires later", "soon");
            store.put("", "the empty key");
            model.put("", "the empty key");
            store.write(new WriteBatch<String>().put("batched", "b").remove("key-501"));
            model.put("batched", "b");
            model.remove("key-501");
            store.reclaim();
        }
        return model;
    }

    @Test
    void rule10_aCleanCloseSavesTheIndexAndTheNextOpenLoadsItWithTheEntriesAReplayMakes() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        assertTrue(StoreFiles.size(dir.resolve(StoreDirectory.INDEX)) > 0);

        Map<String, Place> loaded = entries(dir, true);
        Path rebuilt = root.resolve("rebuilt");
        StoreFiles.snapshot(dir, rebuilt);
        StoreFiles.delete(rebuilt.resolve(StoreDirectory.INDEX));
        assertEquals(entries(rebuilt, false), loaded, "the index file holds what a replay of the logs makes");
        assertHolds(dir, model);
        assertHolds(rebuilt, model);
    }

    @Test
    void rule10_anIndexFileThatNoLongerCoversTheLogsIsNotUsed() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        // Stale: written before more records were appended to the active segment.
        assertNotUsedAfter(dir, model, store -> {
            store.put("key-7", "newer");
            model.put("key-7", "newer");
        });
        // Of another generation: written before a reclaim rewrote the segments.
        assertNotUsedAfter(dir, model, store -> {
            store.remove("key-7");
            model.remove("key-7");
            store.reclaim();
        });
    }

    /**
     * Keeps the index file aside, changes the store with {@code change} (which updates {@code model}), puts the old
     * file back over the one the close saved, and checks that an open does not use it and holds {@code model}.
     */
    private void assertNotUsedAfter(Path dir, Map<String, String> model, Consumer<KeyValueStore<String>> change) {
        byte[] saved = StoreFiles.read(dir.resolve(StoreDirectory.INDEX));
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            change.accept(store);
        }
        StoreFiles.write(dir.resolve(StoreDirectory.INDEX), saved);
        entries(dir, false);
        assertHolds(dir, model);
    }

    @Test
    void rule10_aCrashAfterAnOpenFromTheIndexFileKeepsEveryFlushedWrite() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        Path crashed = root.resolve("crashed");
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            store.put("after the open", "kept");
            store.remove("batched");
            store.flush();
            StoreFiles.snapshot(dir, crashed);
        }
        model.put("after the open", "kept");
        model.remove("batched");
        entries(crashed, false);
        assertHolds(crashed, model);
    }

    @Test
    void aReadOnlyOpenLoadsTheIndexFileAndLeavesEveryFileAsItWas() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        Map<String, byte[]> before = new HashMap<>();
        StoreFiles.list(dir).forEach(f -> before.put(f.getFileName().toString(), StoreFiles.read(f)));
        try (KeyValueStore<String> store = KeyValueStore.open(dir, StoreOptions.builder().codec(new TextCodec())
                .clock(clock).readOnly().build())) {
            model.forEach((key, value) -> assertEquals(value, store.get(key), key));
            assertEquals(model.size(), store.size());
        }
        StoreFiles.list(dir).forEach(f -> assertTrue(java.util.Arrays.equals(before.get(f.getFileName().toString()),
                StoreFiles.read(f)), () -> f + " changed"));
    }

    /** Opens the store and checks that it holds exactly {@code model}. */
    private void assertHolds(Path dir, Map<String, String> model) {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            model.forEach((key, value) -> assertEquals(value, store.get(key), key));
            assertEquals(model.keySet(), store.keys());
        }
    }

    /**
     * Recovers the store read-only, as an open does, and returns its index's entries; asserts that the index came
     * from the index file exactly when {@code fromIndexFile}.
     */
    private Map<String, Place> entries(Path dir, boolean fromIndexFile) {
        StoreDirectory files = new StoreDirectory(dir, FileAccess.real());
        Recovery.Recovered recovered = Recovery.recover(files, files.readManifest(), new ReentrantLock(),
                StoreOptions.MIN_LOG_FILE_SIZE, clock.millis(), true);
        try {
            assertEquals(fromIndexFile, recovered.fromIndexFile(), "opened from the index file");
            Map<String, Place> entries = new HashMap<>();
            for (Entry entry : recovered.index().entries()) {
                entries.put(new String(entry.key(), StandardCharsets.UTF_8), entry.place());
            }
            return entries;
        } finally {
            recovered.segments().syncMarks().close();
            recovered.segments().all().forEach(Segment::abandon);
        }
    }

    @Test
    void rule10_noIndexFileMeansAReplay() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        StoreFiles.delete(dir.resolve(StoreDirectory.INDEX));
        assertFalse(entries(dir, false).isEmpty());
        assertHolds(dir, model);
        assertTrue(entries(dir, true).size() > 0, "the close after the replay saved it again");
    }
}
