package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.StoreStats;
import io.viperdb.VerifyReport;
import io.viperdb.ViperException;
import io.viperdb.WriteBatch;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify(), stats() and backupTo(): looking at a store and copying it while it runs. */
class InspectionTest {

    @TempDir
    Path dir;

    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).logFileSize(8192).build();

    private void fill(KeyValueStore<String> store) {
        for (int i = 0; i < 500; i++) {
            store.put("k" + (i % 100), "value " + i);
        }
        store.write(new WriteBatch<String>().put("b1", "x").remove("k3"));
        store.remove("k4");
    }

    @Test
    void aSoundStoreVerifiesWithoutProblems() {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            fill(store);
            VerifyReport report = store.verify();
            assertTrue(report.sound(), report.problems().toString());
            assertTrue(report.recordsChecked() > 1000, "records and hints: " + report.recordsChecked());
            store.reclaim();
            assertTrue(store.verify().sound());
        }
    }

    @Test
    void verifyFindsEveryDamagedRecordWithItsFileAndOffset() {
        Path store = dir.resolve("store");
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            fill(kv);
        }
        Path sealed = StoreFiles.withSuffix(store, ".vlog").get(0);
        StoreFiles.flip(sealed, 100, 0x01);
        Path keyLog = StoreFiles.withSuffix(store, ".klog").get(1);
        StoreFiles.flip(keyLog, 60, 0x01);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            VerifyReport report = kv.verify();
            assertFalse(report.sound());
            assertTrue(report.problems().stream().anyMatch(p -> p.file().equals(sealed) && p.offset() <= 100),
                    report.problems().toString());
        }
    }

    @Test
    void statsCountLiveAndDeadBytes() {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            fill(store);
            StoreStats before = store.stats();
            assertEquals(TextCodec.NAME, before.codec());
            assertEquals(1, before.formatVersion());
            assertEquals(store.size(), before.liveKeys());
            assertTrue(before.deadBytes() > before.liveBytes(), before.toString());
            assertTrue(before.lastReclaim().isEmpty());
            assertTrue(before.files().stream().anyMatch(f -> f.name().equals("viper.manifest")));
            store.reclaim();
            StoreStats after = store.stats();
            assertEquals(before.liveKeys(), after.liveKeys());
            assertEquals(before.liveBytes(), after.liveBytes());
            assertEquals(0, after.deadBytes(), after.toString());
            assertTrue(after.lastReclaim().isPresent());
            assertTrue(after.totalBytes() < before.totalBytes());
        }
    }

    /** A damaged record does not hide the rest of its file: the walk goes on at the next record the key log lists. */
    @Test
    void verifyGoesOnPastADamagedRecordAndReportsEachDamageOnce() {
        Path store = dir.resolve("store");
        int recordLength = DataRecord.length(6, 100);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            for (int i = 0; i < 100; i++) {
                kv.put(String.format("key-%02d", i), "v".repeat(100));
            }
        }
        Path sealed = StoreFiles.withSuffix(store, ".vlog").get(0);
        long third = FileHeader.SIZE + 3L * recordLength;
        long tenth = FileHeader.SIZE + 10L * recordLength;
        StoreFiles.flip(sealed, third + recordLength - 5, 0x01);
        StoreFiles.flip(sealed, tenth + recordLength - 5, 0x01);
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            VerifyReport report = kv.verify();
            List<VerifyReport.Problem> inValues = report.problems().stream().filter(p -> p.file().equals(sealed))
                    .toList();
            assertEquals(List.of(third, tenth), inValues.stream().map(VerifyReport.Problem::offset).toList(),
                    report.problems().toString());
            assertEquals(2, report.problems().size(), "each damage once: not again for the index entry that points"
                    + " at it, and never for the key log: " + report.problems());
            assertTrue(inValues.get(0).description().startsWith("record checksum mismatch"), inValues.toString());
            assertTrue(inValues.get(0).description().endsWith("; it holds the value of key \"key-03\""),
                    "the problem names the key whose value is lost: " + inValues);
            assertTrue(inValues.get(1).description().endsWith("; it holds the value of key \"key-10\""),
                    inValues.toString());
            assertEquals(2 * 100 - 2, report.recordsChecked(), "every record but the two damaged ones, and every hint");
        }
    }

    /** The active value log is extended on disk ahead of its data; stats() counts only the data. */
    @Test
    void statsCountTheDataOfTheActiveValueLogNotItsExtension() throws Exception {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, StoreOptions.builder().codec(new TextCodec())
                .build())) {
            store.put("key", "value");
            store.flush();
            store.get("key");
            long onDisk = Files.size(dir.resolve("00000001.vlog"));
            StoreStats.FileSize reported = store.stats().files().stream()
                    .filter(f -> f.name().equals("00000001.vlog")).findFirst().orElseThrow();
            assertTrue(onDisk > 4096, "the file is extended ahead of its data: " + onDisk);
            assertTrue(reported.bytes() < 200, "stats() counts the header and one record: " + reported);
        }
    }

    @Test
    void aBackupHoldsExactlyTheDataOfItsMomentWhileWritersGoOn() throws Exception {
        Path store = dir.resolve("store");
        Path backup = dir.resolve("backup");
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Map<String, String>> states = new ConcurrentHashMap<>();
        AtomicInteger written = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            Thread writer = Workers.start(() -> {
                Map<String, String> state = new HashMap<>();
                for (int i = 0; !stop.get() || i < 500; i++) {
                    String key = "k" + (i % 50);
                    kv.put(key, "v" + i);
                    state.put(key, "v" + i);
                    states.put(i + 1, Map.copyOf(state));
                    written.set(i + 1);
                }
            }, failures);
            while (written.get() < 200) {
                Thread.sleep(1);
            }
            int before = written.get();
            kv.backupTo(backup);
            int after = written.get();
            stop.set(true);
            writer.join();
            assertTrue(failures.isEmpty(), failures.toString());
            try (KeyValueStore<String> copy = KeyValueStore.open(backup, options)) {
                boolean matched = false;
                for (int n = before; n <= after && !matched; n++) {
                    matched = matches(states.get(n), copy);
                }
                assertTrue(matched, "the backup holds the store as it was at some moment during the call");
                assertTrue(copy.verify().sound());
            }
        }
        assertThrows(ViperException.class, () -> {
            try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
                kv.backupTo(backup);
            }
        }, "a backup never writes into a directory that is not empty");
        Files.writeString(dir.resolve("a-file"), "x");
        try (KeyValueStore<String> kv = KeyValueStore.open(store, options)) {
            assertThrows(ViperException.class, () -> kv.backupTo(dir.resolve("a-file")));
            assertHolds(Map.of(), KeyValueStore.open(dir.resolve("empty"), options), List.of(), "an empty store");
        }
    }

    private static boolean matches(Map<String, String> state, KeyValueStore<String> store) {
        if (state == null || store.size() != state.size()) {
            return false;
        }
        return state.entrySet().stream().allMatch(e -> e.getValue().equals(store.get(e.getKey())));
    }
}
