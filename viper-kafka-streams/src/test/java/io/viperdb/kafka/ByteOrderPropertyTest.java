package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * A random sequence of puts, deletes, putIfAbsent, putAll, restored batches and reopens through Kafka's
 * {@code KeyValueStore<Bytes, byte[]>} agrees with a {@code TreeMap} ordered by {@link Bytes#compareTo} in every read:
 * get, range and reverseRange (null ends included, swapped ends empty), all, reverseAll, prefixScan,
 * approximateNumEntries. Keys are made of the bytes where signed and unsigned orders part (0x00, 0x01, 0x7F, 0x80,
 * 0xFF), short enough that prefixes of each other and the empty key come up often.
 */
class ByteOrderPropertyTest {

    private static final byte[] EDGE_BYTES = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};

    @TempDir
    Path root;
    private int run;

    @Test
    void everyReadAgreesWithASortedModel() {
        qt().withExamples(60).withFixedSeed(14).forAll(operations()).checkAssert(this::check);
    }

    private void check(List<Op> operations) {
        Path stateDir = root.resolve("run-" + run++);
        TestContext context = new TestContext(stateDir);
        NavigableMap<Bytes, byte[]> model = new TreeMap<>();
        KeyValueStore<Bytes, byte[]> store = context.open("ordered");
        try {
            int step = 0;
            for (Op op : operations) {
                Bytes key = key(op.a);
                byte[] value = {(byte) step, (byte) (step >> 8)};
                switch (op.kind) {
                    case 0, 1 -> {
                        store.put(key, value);
                        model.put(key, value);
                    }
                    case 2 -> {
                        store.put(key, null);
                        model.remove(key);
                    }
                    case 3 -> assertArrayEquals(model.remove(key), store.delete(key), "delete " + key);
                    case 4 -> assertArrayEquals(model.putIfAbsent(key, value), store.putIfAbsent(key, value));
                    case 5 -> {
                        List<KeyValue<Bytes, byte[]>> batch = List.of(KeyValue.pair(key, value),
                                KeyValue.pair(key(op.b), null), KeyValue.pair(key, new byte[] {9}));
                        store.putAll(batch);
                        apply(model, batch);
                    }
                    case 6 -> {
                        List<KeyValue<byte[], byte[]>> restored = List.of(KeyValue.pair(key.get(), value),
                                KeyValue.pair(key(op.b).get(), null));
                        context.restorer().restoreAll(restored);
                        model.put(key, value);
                        model.remove(key(op.b));
                    }
                    case 7 -> {
                        store.commit(Map.of());
                        store.close();
                        store = context.open("ordered");
                    }
                    default -> compareReads(store, model, key, key(op.b));
                }
                step++;
            }
            compareReads(store, model, key(0), key(Integer.MAX_VALUE));
        } finally {
            store.close();
            delete(stateDir);
        }
    }

    private static void apply(NavigableMap<Bytes, byte[]> model, List<KeyValue<Bytes, byte[]>> batch) {
        for (KeyValue<Bytes, byte[]> entry : batch) {
            if (entry.value == null) {
                model.remove(entry.key);
            } else {
                model.put(entry.key, entry.value);
            }
        }
    }


    private static void compareReads(KeyValueStore<Bytes, byte[]> store, NavigableMap<Bytes, byte[]> model,
            Bytes a, Bytes b) {
        assertArrayEquals(model.get(a), store.get(a), "get " + a);
        assertEquals(model.size(), store.approximateNumEntries());
        assertSame(model, store.all(), "all");
        assertSame(model.descendingMap(), store.reverseAll(), "reverseAll");
        Map<Bytes, byte[]> range = a.compareTo(b) > 0 ? Map.of() : model.subMap(a, true, b, true);
        assertSame(range, store.range(a, b), "range " + a + " " + b);
        NavigableMap<Bytes, byte[]> reverse = a.compareTo(b) > 0 ? new TreeMap<>()
                : model.subMap(a, true, b, true).descendingMap();
        assertSame(reverse, store.reverseRange(a, b), "reverseRange " + a + " " + b);
        assertSame(model.tailMap(a, true), store.range(a, null), "range from " + a);
        assertSame(model.headMap(b, true), store.range(null, b), "range to " + b);
        assertSame(model, store.range(null, null), "range of nulls");
        Map<Bytes, byte[]> prefixed = new TreeMap<>();
        model.forEach((key, value) -> {
            if (startsWith(key.get(), a.get())) {
                prefixed.put(key, value);
            }
        });
        assertSame(prefixed, store.prefixScan(a.get(), Serdes.ByteArray().serializer()), "prefixScan " + a);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The iterator gives exactly the model's entries in the model's order, with peekNextKey before each. */
    private static void assertSame(Map<Bytes, byte[]> expected, KeyValueIterator<Bytes, byte[]> actual, String what) {
        List<String> want = new ArrayList<>();
        expected.forEach((key, value) -> want.add(key + "=" + Bytes.wrap(value)));
        List<String> got = new ArrayList<>();
        try (actual) {
            while (actual.hasNext()) {
                Bytes peeked = actual.peekNextKey();
                KeyValue<Bytes, byte[]> entry = actual.next();
                assertEquals(peeked, entry.key, what + ": peekNextKey");
                got.add(entry.key + "=" + Bytes.wrap(entry.value));
            }
        }
        assertEquals(want, got, what);
    }

    /** The key numbered {@code n}: up to 3 edge bytes, the empty key for 0. */
    private static Bytes key(int n) {
        int length = Math.floorMod(n, 4);
        byte[] key = new byte[length];
        int digits = Math.floorMod(n / 4, 125);
        for (int i = 0; i < length; i++) {
            key[i] = EDGE_BYTES[digits % EDGE_BYTES.length];
            digits /= EDGE_BYTES.length;
        }
        return Bytes.wrap(key);
    }

    /** An operation: its kind (see {@link #check}) and two key numbers. */
    private record Op(int kind, int a, int b) {
        @Override
        public String toString() {
            return kind + "(" + key(a) + ", " + key(b) + ")";
        }
    }

    private static Gen<List<Op>> operations() {
        Gen<Op> op = Generate.intArrays(SourceDSL.integers().between(3, 3), SourceDSL.integers().between(0, 499))
                .map(a -> new Op(a[0] % 10, a[1], a[2]));
        return SourceDSL.lists().of(op).ofSizeBetween(1, 100);
    }

    private static void delete(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
