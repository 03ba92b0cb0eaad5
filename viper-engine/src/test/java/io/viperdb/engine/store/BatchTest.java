package io.viperdb.engine.store;

import static io.viperdb.engine.testing.Contents.assertHolds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CodecException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.format.DataRecord;
import io.viperdb.engine.format.FileHeader;
import io.viperdb.engine.format.HintRecord;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.engine.testing.Workers;
import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches apply whole or not at all: on disk after any crash, and for every concurrent reader. A test that proves
 * recovery rule N of FORMAT.md is named {@code ruleN_...}.
 */
class BatchTest {

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();
    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).clock(clock).build();

    @Test
    void aBatchAppliesItsOperationsInOrder() {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            store.put("gone", "soon");
            store.write(new WriteBatch<String>()
                    .put("a", "1")
                    .put("b", "2")
                    .put("a", "3")
                    .remove("gone")
                    .remove("never there")
                    .put("short", "lived", Duration.ofSeconds(1)));
            assertHolds(Map.of("a", "3", "b", "2", "short", "lived"), store, Set.of("a", "b", "gone", "short"),
                    "after the batch");
            clock.advance(Duration.ofSeconds(1));
            assertHolds(Map.of("a", "3", "b", "2"), store, Set.of("a", "b", "short"), "after the expiry");
            store.write(new WriteBatch<>());
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(Map.of("a", "3", "b", "2"), store, Set.of("a", "b", "gone", "short"), "after reopen");
        }
    }

    @Test
    void putAllIsABatch() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            entries.put("k" + i, "v" + i);
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            store.putAll(entries);
            assertHolds(entries, store, entries.keySet(), "after putAll");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            assertHolds(entries, store, entries.keySet(), "after reopen");
        }
    }

    @Test
    void aBatchWithOneBadOperationWritesNothing() {
        ValueCodec<String> picky = new ValueCodec<>() {
            @Override
            public String name() {
                return TextCodec.NAME;
            }

            @Override
            public byte[] encode(String value) {
                if (value.equals("bad")) {
                    throw new IllegalArgumentException("no");
                }
                return new TextCodec().encode(value);
            }

            @Override
            public String decode(ByteBuffer bytes) {
                return new TextCodec().decode(bytes);
            }
        };
        StoreOptions pickyOptions = StoreOptions.builder().codec(picky).build();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, pickyOptions)) {
            store.put("a", "before");
            assertThrows(CodecException.class, () -> store.write(new WriteBatch<String>().put("a", "after")
                    .put("b", "bad")));
            assertThrows(IllegalArgumentException.class, () -> store.write(new WriteBatch<String>().put("a", "after")
                    .put("x".repeat(KeyValueStore.MAX_KEY_BYTES + 1), "fine")));
            assertThrows(NullPointerException.class, () -> new WriteBatch<String>().put((String) null, "v"));
            assertThrows(IllegalArgumentException.class,
                    () -> new WriteBatch<String>().put("k", "v", Duration.ZERO));
            Map<String, String> withNull = new HashMap<>();
            withNull.put("a", "after");
            withNull.put("b", null);
            assertThrows(NullPointerException.class, () -> store.putAll(withNull));
            assertHolds(Map.of("a", "before"), store, Set.of("a", "b"), "after the refused batches");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, pickyOptions)) {
            assertHolds(Map.of("a", "before"), store, Set.of("a", "b"), "after reopen");
        }
    }

    @Test
    void rule7_aValueLogCutAnywhereHoldsEachBatchWholeOrNotAtAll() {
        List<Map<String, String>> states = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        Path original = dir.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            Map<String, String> state = new HashMap<>();
            states.add(Map.copyOf(state));
            for (int b = 0; b < 6; b++) {
                WriteBatch<String> batch = new WriteBatch<>();
                for (int i = 0; i < 4; i++) {
                    String key = "k" + ((b + i) % 5);
                    batch.put(key, "batch " + b + " op " + i);
                    state.put(key, "batch " + b + " op " + i);
                }
                store.write(batch);
                store.flush();
                states.add(Map.copyOf(state));
                ends.add(StoreFiles.size(StoreFiles.withSuffix(original, ".vlog").get(0)));
            }
        }
        Path vlog = StoreFiles.withSuffix(original, ".vlog").get(0);
        Set<String> universe = Set.of("k0", "k1", "k2", "k3", "k4");
        for (long cut = 20; cut <= StoreFiles.size(vlog); cut++) {
            Path copy = dir.resolve("copy");
            StoreFiles.deleteTree(copy);
            StoreFiles.snapshot(original, copy);
            StoreFiles.truncate(copy.resolve(vlog.getFileName()), cut);
            int whole = 0;
            while (whole < ends.size() && ends.get(whole) <= cut) {
                whole++;
            }
            try (KeyValueStore<String> store = KeyValueStore.open(copy, options)) {
                assertHolds(states.get(whole), store, universe, "value log cut at " + cut);
            }
        }
    }

    /**
     * A key log that ends inside a batch (its last hints lost, the value log whole) leaves the batch open: it is read
     * again from the value log, from its begin record, where its commit is, and applies whole; the key log is rebuilt.
     */
    @Test
    void rule7_aBatchTheKeyLogEndsInsideIsReadAgainFromTheValueLog() {
        Path original = dir.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            store.put("a", "before");
            store.write(new WriteBatch<String>().put("x", "in the batch").put("y", "in the batch too"));
        }
        Path klog = original.resolve("00000001.klog");
        byte[] hints = StoreFiles.read(klog);
        // The hints: a, begin, x, y, commit. Keep a, begin and x.
        long insideBatch = FileHeader.SIZE + HintRecord.length(1) + HintRecord.length(0) + HintRecord.length(1);
        StoreFiles.truncate(klog, insideBatch);
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            assertHolds(Map.of("a", "before", "x", "in the batch", "y", "in the batch too"), store,
                    Set.of("a", "x", "y"), "the batch read again from the value log");
        }
        assertEquals(hints.length, StoreFiles.size(klog), "the key log is rebuilt");
        assertArrayEquals(hints, StoreFiles.read(klog));
    }

    /**
     * A batch whose commit record is missing and that a second begin record ends (no writer leaves this, but the
     * value log may hold it) is cut whole past the hints, and none of its records is given a hint: a hint past the
     * cut would point beyond the value log.
     */
    @Test
    void rule7_aBatchEndedByAnotherBeginIsCutWholeAndNoneOfItsRecordsIsHinted() {
        Path original = dir.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            store.put("a", "before");
            store.write(new WriteBatch<String>().put("x", "first batch"));
            store.write(new WriteBatch<String>().put("y", "second batch"));
        }
        Path vlog = original.resolve("00000001.vlog");
        Path klog = original.resolve("00000001.klog");
        byte[] bytes = StoreFiles.read(vlog);
        // The records: a, begin, x, commit, begin, y, commit. Drop the first commit.
        List<Integer> starts = new ArrayList<>();
        for (int at = FileHeader.SIZE; at < bytes.length; at += DataRecord.inspect(ByteBuffer.wrap(bytes), at,
                bytes.length)) {
            starts.add(at);
        }
        assertEquals(7, starts.size());
        ByteBuffer withoutCommit = ByteBuffer.allocate(bytes.length - (starts.get(4) - starts.get(3)));
        withoutCommit.put(bytes, 0, starts.get(3)).put(bytes, starts.get(4), bytes.length - starts.get(4));
        StoreFiles.write(vlog, withoutCommit.array());
        // The key log lists only the first record, and no sync mark says how far the value log was synced.
        long hintedEnd = FileHeader.SIZE + HintRecord.length(1);
        StoreFiles.truncate(klog, hintedEnd);
        StoreFiles.deleteTree(original.resolve("viper.synced"));
        try (KeyValueStore<String> store = KeyValueStore.open(original, options)) {
            assertHolds(Map.of("a", "before"), store, Set.of("a", "x", "y"), "the batch cut off");
        }
        assertEquals(starts.get(1), (int) StoreFiles.size(vlog), "the value log is cut at the first begin record");
        assertEquals(hintedEnd, StoreFiles.size(klog), "the key log lists the records the value log holds");
    }

    @Test
    @Timeout(60)
    void aReaderNeverSeesPartOfABatch() throws Exception {
        int keys = 20;
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            // Batch n writes n to k0..k19, which a reader reads in order: seeing part of a batch would show as a
            // number that goes down. It also swaps a set of five keys, odd or even, which keys() must see whole.
            Thread writer = Workers.start(() -> {
                for (int n = 1; !stop.get(); n++) {
                    WriteBatch<String> batch = new WriteBatch<>();
                    for (int k = 0; k < keys; k++) {
                        batch.put("k" + k, Integer.toString(n));
                    }
                    for (int j = 0; j < 5; j++) {
                        batch.put((n % 2 == 0 ? "even" : "odd") + j, "x").remove((n % 2 == 0 ? "odd" : "even") + j);
                    }
                    store.write(batch);
                }
            }, failures);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(Workers.start(() -> {
                    while (!stop.get()) {
                        int seen = 0;
                        for (int k = 0; k < keys; k++) {
                            String value = store.get("k" + k);
                            int n = value == null ? 0 : Integer.parseInt(value);
                            assertTrue(n >= seen, "read " + n + " after " + seen + " at key k" + k);
                            seen = n;
                        }
                        Set<String> snapshot = store.keys();
                        long evens = snapshot.stream().filter(k -> k.startsWith("even")).count();
                        long odds = snapshot.stream().filter(k -> k.startsWith("odd")).count();
                        assertTrue(snapshot.isEmpty() || (snapshot.size() == keys + 5 && (evens == 5 || odds == 5)),
                                "keys() saw part of a batch: " + snapshot);
                    }
                }, failures));
            }
            Thread.sleep(1_500);
            stop.set(true);
            writer.join();
            for (Thread reader : readers) {
                reader.join();
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.get(0).toString());
    }
}
