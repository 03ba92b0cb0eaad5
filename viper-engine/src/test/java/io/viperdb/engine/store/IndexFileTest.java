package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CorruptStoreException;
import io.viperdb.Cursor;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.VerifyReport;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.index.Entry;
import io.viperdb.engine.index.IndexFile;
import io.viperdb.engine.index.Place;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.Segment;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index file (recovery rules 10 to 12): a clean close and the checkpoints taken as writes go save the index, and
 * the next open loads it instead of replaying the logs, with the same entries a replay would make, and replays only
 * what the logs hold past it; an index file whose segments a reclaim has replaced, or that is missing, is not used,
 * and the store opens with what its logs hold. Damage to it, every byte flipped and every length cut, is
 * {@link CorruptionCampaignTest}'s.
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
    void aStoreClosedWithoutAWriteSinceItOpenedFromItsIndexFileLeavesTheFileAsItIs() throws Exception {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        Path file = dir.resolve(StoreDirectory.INDEX);
        Object written = Files.getAttribute(file, "unix:ino");
        byte[] bytes = Files.readAllBytes(file);
        assertHolds(dir, model);
        assertEquals(written, Files.getAttribute(file, "unix:ino"), "not replaced");
        assertArrayEquals(bytes, Files.readAllBytes(file));

        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            store.put("one more", "write");
            model.put("one more", "write");
        }
        assertNotEquals(written, Files.getAttribute(file, "unix:ino"), "a close after a write writes the file anew");
        assertHolds(dir, model);
    }

    /**
     * A store of 20,000 keys closed cleanly, whose index file then has a byte flipped a third of the way in: in the
     * table, which a writable open maps and checks block by block as it uses it (the layout is in FORMAT.md).
     */
    private Map<String, String> storeWithADamagedIndexFile(Path dir) throws IOException {
        Map<String, String> model = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (int i = 0; i < 20_000; i++) {
                store.put("key-" + i, "value " + i);
                model.put("key-" + i, "value " + i);
            }
        }
        Path file = dir.resolve(StoreDirectory.INDEX);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 3] ^= 0x20;
        Files.write(file, bytes);
        return model;
    }

    @Test
    void damageToTheIndexFileFoundByAReadFailsItNamingTheFileAndTheNextOpenRebuildsTheIndex() throws Exception {
        Path dir = root.resolve("store");
        Map<String, String> model = storeWithADamagedIndexFile(dir);
        Path file = dir.resolve(StoreDirectory.INDEX);
        CorruptStoreException found = null;
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            for (Map.Entry<String, String> entry : model.entrySet()) {
                try {
                    assertEquals(entry.getValue(), store.get(entry.getKey()), "a read that does not fail is exact");
                } catch (CorruptStoreException e) {
                    found = e;
                    break;
                }
            }
        }
        assertNotNull(found, "some read used the damaged block");
        assertEquals(file, found.file());
        assertTrue(found.getMessage().contains("nothing is lost"), found.getMessage());
        assertHolds(dir, model);
    }

    @Test
    void verifyReportsDamageToTheIndexFileThatNoReadHasMet() throws Exception {
        Path dir = root.resolve("store");
        Map<String, String> model = storeWithADamagedIndexFile(dir);
        Path file = dir.resolve(StoreDirectory.INDEX);
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            VerifyReport report = store.verify();
            assertEquals(1, report.problems().size(), report.toString());
            assertEquals(file, report.problems().get(0).file());
            assertFalse(Files.exists(file), "deleted: the next open rebuilds the index");
        }
        assertHolds(dir, model);
    }

    @Test
    void rule11_anIndexFileOfFewerRecordsThanTheLogsIsUsedAndTheRestReplayed() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        // Written before more records were appended to the active segment, and before new segments were rolled.
        putBackAfter(dir, store -> {
            store.put("key-7", "newer");
            model.put("key-7", "newer");
            for (int i = 0; i < 200; i++) {
                store.put("more-" + i, "x".repeat(60));
                model.put("more-" + i, "x".repeat(60));
            }
        });
        entries(dir, true);
        assertHolds(dir, model);
    }

    @Test
    void rule11_anIndexFileThatCoversTheLogsToTheirEndsIsUsedOnlyIfTheLastKeyLogsHeaderIsSound() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        // After a clean close the logs end where the index file says: an open has nothing to replay past it.
        entries(dir, true);
        StoreDirectory files = new StoreDirectory(dir, FileAccess.real());
        List<Long> listed = files.readManifest().segmentIds();
        Path keyLog = files.keyLog(listed.get(listed.size() - 1));
        byte[] sound = StoreFiles.read(keyLog);
        byte[] damaged = sound.clone();
        damaged[FileHeader.ID_OFFSET + 3] ^= 0x01;
        StoreFiles.write(keyLog, damaged);

        entries(dir, false);
        assertHolds(dir, model);
        assertArrayEquals(sound, StoreFiles.read(keyLog), "the writable open rebuilt the key log");
    }

    @Test
    void rule12_anIndexFileWrittenBeforeAReclaimIsNotUsedAndAWritableOpenDeletesIt() {
        Path dir = root.resolve("store");
        Map<String, String> model = fill(dir);
        putBackAfter(dir, store -> {
            store.remove("key-7");
            model.remove("key-7");
            store.reclaim();
        });
        entries(dir, false);
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertFalse(Files.exists(dir.resolve(StoreDirectory.INDEX)), "rule 12: deleted by the open");
        }
        assertHolds(dir, model);
    }

    /**
     * Keeps the index file aside, changes the store with {@code change} (which updates {@code model}), and puts the
     * old file back over the one the close saved.
     */
    private void putBackAfter(Path dir, Consumer<KeyValueStore<String>> change) {
        byte[] saved = StoreFiles.read(dir.resolve(StoreDirectory.INDEX));
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            change.accept(store);
        }
        StoreFiles.write(dir.resolve(StoreDirectory.INDEX), saved);
    }

    @Test
    void rule11_aCrashAfterAnOpenFromTheIndexFileKeepsEveryFlushedWrite() {
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
        entries(crashed, true);
        assertHolds(crashed, model);
    }

    @Test
    void rule11_aCrashAfterACheckpointAndMoreWritesInNewSegmentsReplaysOnlyWhatFollowsTheCheckpoint() {
        Path dir = root.resolve("store");
        Path crashed = root.resolve("crashed");
        Map<String, String> model = new HashMap<>();
        // Over several new segments (of 4 KiB).
        IndexFile.Loaded checkpoint = crashAfterACheckpoint(dir, crashed, model, 100);
        List<Long> listed = new StoreDirectory(crashed, FileAccess.real()).readManifest().segmentIds();
        assertTrue(listed.size() > checkpoint.extents().size() + 2, "the writes rolled new segments");
        entries(crashed, true);
        assertHolds(crashed, model);
    }

    @Test
    void rule11_aTornTailAboveTheCheckpointIsCutAndTheCheckpointStillUsed() {
        Path dir = root.resolve("store");
        Path crashed = root.resolve("crashed");
        Map<String, String> model = new HashMap<>();
        crashAfterACheckpoint(dir, crashed, model, 3);
        List<Long> listed = new StoreDirectory(crashed, FileAccess.real()).readManifest().segmentIds();
        Path active = new StoreDirectory(crashed, FileAccess.real()).valueLog(listed.get(listed.size() - 1));
        // Part of a record header: the start of an append that never completed.
        StoreFiles.truncate(active, dataEnd(active));
        StoreFiles.append(active, new byte[] {0x12, 0x34, 0x56, 0x78, 1, 0, 0});
        entries(crashed, true);
        assertHolds(crashed, model);
    }

    @Test
    void rule10_aCheckpointThenAReclaimThenACrashOpensFromTheCheckpointAfterTheReclaimOrRebuilds() {
        Path dir = root.resolve("store");
        Path crashed = root.resolve("crashed");
        Path before = root.resolve("before");
        Map<String, String> model = new HashMap<>();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            writeUntilCheckpoint(store, dir, model);
            byte[] older = StoreFiles.read(dir.resolve(StoreDirectory.INDEX));
            for (int i = 0; i < 50; i++) {
                store.remove("key-" + i);
                model.remove("key-" + i);
            }
            store.reclaim();
            long generation = new StoreDirectory(dir, FileAccess.real()).readManifest().generation();
            // A reclaim that replaced segments asks for a checkpoint.
            awaitIndexFile(dir, loaded -> loaded.generation() == generation);
            store.flush();
            StoreFiles.snapshot(dir, crashed);
            StoreFiles.snapshot(dir, before);
            StoreFiles.write(before.resolve(StoreDirectory.INDEX), older);
        }
        entries(crashed, true);
        assertHolds(crashed, model);
        entries(before, false);
        assertHolds(before, model);
    }

    /**
     * Puts keys until a checkpoint has written the index file, then {@code after} more (fewer bytes than the next
     * checkpoint waits for), flushes and copies the files to {@code crashed}: what a crash then leaves. Returns what
     * the checkpoint holds.
     */
    private IndexFile.Loaded crashAfterACheckpoint(Path dir, Path crashed, Map<String, String> model, int after) {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            IndexFile.Loaded checkpoint = writeUntilCheckpoint(store, dir, model);
            writes(store, model, "after", after);
            store.flush();
            StoreFiles.snapshot(dir, crashed);
            return checkpoint;
        }
    }

    /** Puts keys until a checkpoint has written the index file, and returns what it holds. */
    private IndexFile.Loaded writeUntilCheckpoint(KeyValueStore<String> store, Path dir, Map<String, String> model) {
        writes(store, model, "key", 3000);
        return awaitIndexFile(dir, loaded -> true);
    }

    private static void writes(KeyValueStore<String> store, Map<String, String> model, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + (i % 1200);
            String value = "value " + i + " " + "x".repeat(i % 90);
            store.put(key, value);
            model.put(key, value);
        }
    }

    /** Waits until the index file holds what {@code wanted} accepts, and returns it. */
    private static IndexFile.Loaded awaitIndexFile(Path dir, Predicate<IndexFile.Loaded> wanted) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                IndexFile.Loaded loaded = IndexFile.read(FileAccess.real(), dir.resolve(StoreDirectory.INDEX), true);
                if (loaded != null && wanted.test(loaded)) {
                    return loaded;
                }
            } catch (IOException | RuntimeException e) {
                // Being replaced: read it again.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no checkpoint came");
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Where the records of a value log end: past them, the file is extended with zeros ahead of appends. */
    private static long dataEnd(Path valueLog) {
        byte[] bytes = StoreFiles.read(valueLog);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
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

    /**
     * Opens the store and checks that it holds exactly {@code model}, and that a scan returns its keys in order (the
     * order section of an index file written by a checkpoint is the snapshot's, not the order of later writes).
     */
    private void assertHolds(Path dir, Map<String, String> model) {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            model.forEach((key, value) -> assertEquals(value, store.get(key), key));
            assertEquals(model.keySet(), store.keys());
            List<String> scanned = new ArrayList<>();
            try (Cursor<String, String> cursor = store.scan(KeyRange.all())) {
                cursor.forEachRemaining(entry -> scanned.add(entry.getKey()));
            }
            assertEquals(new ArrayList<>(new TreeSet<>(model.keySet())), scanned, "the keys in order");
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
