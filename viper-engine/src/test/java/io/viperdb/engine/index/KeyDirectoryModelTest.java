package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.io.FileAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of puts and removes (as the store makes them and as replayed from the middle of an array),
 * conditional removes, batches, reservations and trims, and the index written to an index file and mapped back from it,
 * agree with a {@code HashMap} at every step, through the rebuilds they cause and the moves of a mapped table to the
 * heap. Each operation is one random int, so QuickTheories shrinks a failing sequence to a short one and prints its
 * seed.
 */
class KeyDirectoryModelTest {

    private static final List<String> KEYS = keys();

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add("key" + i);
        }
        keys.addAll(List.of("", "\u00e9t\u00e9", "\ud83d\ude00", "\u65e5\u672c\u8a9e", "x".repeat(4096),
                "\u00e9".repeat(2048), "key1\u0000"));
        return keys;
    }

    @Test
    void theDirectoryAgreesWithAMap() {
        qt().withExamples(300).withShrinkCycles(500)
                .forAll(SourceDSL.lists().of(SourceDSL.integers().between(0, Integer.MAX_VALUE))
                        .ofSizeBetween(0, 1500))
                .checkAssert(KeyDirectoryModelTest::check);
    }

    @TempDir
    static Path files;

    private static void check(List<Integer> operations) {
        KeyDirectory index = new KeyDirectory();
        Map<String, Place> model = new HashMap<>();
        for (int i = 0; i < operations.size(); i++) {
            int r = operations.get(i);
            String key = KEYS.get((r >>> 4) % KEYS.size());
            byte[] keyBytes = k(key);
            Place place = place(r >>> 12);
            String step = "step " + i + " (" + r + ")";
            switch (r & 15) {
                case 0, 1, 2, 3 -> assertEquals(model.put(key, place), index.put(keyBytes, place), step);
                case 4, 5 -> {
                    byte[] hint = new byte[keyBytes.length + 3];
                    System.arraycopy(keyBytes, 0, hint, 3, keyBytes.length);
                    index.putBytes(hint, 3, keyBytes.length, KeyHash.of(hint, 3, keyBytes.length), place.segment(),
                            place.offset(), place.length(), place.expiry());
                    model.put(key, place);
                }
                case 6, 7 -> assertEquals(model.remove(key), index.remove(keyBytes), step);
                case 8 -> {
                    index.removeBytes(keyBytes, 0, keyBytes.length, KeyHash.of(keyBytes, 0, keyBytes.length));
                    model.remove(key);
                }
                case 9 -> {
                    // Expect the current place half of the time, another the other half.
                    Place expected = (r & 1 << 30) != 0 ? model.get(key) : place(r >>> 8);
                    if (expected != null) {
                        boolean modelRemoved = expected.equals(model.get(key));
                        if (modelRemoved) {
                            model.remove(key);
                        }
                        assertEquals(modelRemoved, index.remove(keyBytes, expected), step);
                    }
                }
                case 10 -> {
                    int size = (r >>> 4) % 40;
                    byte[][] keys = new byte[size][];
                    Place[] places = new Place[size];
                    Map<String, Place> before = new HashMap<>(model);
                    Place[] expected = new Place[size];
                    for (int b = 0; b < size; b++) {
                        String batchKey = KEYS.get((int) ((r + b * 7919L) % KEYS.size()));
                        keys[b] = k(batchKey);
                        places[b] = b % 4 == 3 ? null : place((r >>> 12) + b);
                        expected[b] = places[b] == null ? model.remove(batchKey) : model.put(batchKey, places[b]);
                    }
                    index.reserve(size);
                    long version = index.version();
                    Place[][] previous = new Place[1][];
                    KeyDirectory batched = index;
                    index.applyAtomically(() -> previous[0] = batched.putAll(keys, places));
                    assertEquals(version + 2, index.version(), step);
                    assertEquals(Arrays.asList(expected), Arrays.asList(previous[0]), step + " after " + before);
                }
                case 11 -> index.reserve((r >>> 4) % 2000);
                case 12 -> index.trim();
                case 13 -> {
                    // One step in eight of this kind: a write and a mapping cost more than the rest.
                    if ((r >>> 4) % 8 == 0) {
                        index = writtenAndMapped(index);
                    }
                }
                default -> {
                    assertEquals(model.get(key), index.get(keyBytes), step);
                    assertEquals(model.get(key), readAsTheStore(index, key, model), step);
                }
            }
            assertEquals(model.size(), index.size(), step);
        }
        for (String key : KEYS) {
            assertEquals(model.get(key), index.get(k(key)), key);
            assertEquals(model.get(key), readAsTheStore(index, key, model), key);
        }
        Map<String, Place> entries = new HashMap<>();
        for (Entry entry : index.entries()) {
            String key = new String(entry.key(), StandardCharsets.UTF_8);
            assertEquals(null, entries.put(key, entry.place()), "twice: " + key);
        }
        assertEquals(model, entries);
        long now = 50_000;
        long live = 0;
        long bytes = 0;
        for (Place place : model.values()) {
            if (!place.expiredAt(now)) {
                live++;
                bytes += place.length();
            }
        }
        assertEquals(live, index.liveCount(now));
        assertEquals(bytes, index.liveBytes(now));
    }

    /**
     * Reads {@code key} as the store does, with the model as its records (the record at a place is the key's if the
     * model maps the key to it): the candidate if its record is the key's, else the place {@code get} finds. A
     * candidate that is not the key's must be another key's with the same fingerprint.
     */
    private static Place readAsTheStore(KeyDirectory index, String key, Map<String, Place> model) {
        Place candidate = index.candidate(k(key));
        if (candidate == null || candidate.equals(model.get(key))) {
            return candidate;
        }
        long fingerprint = KeyHash.of(k(key), 0, k(key).length) >>> 56;
        boolean another = model.entrySet().stream().anyMatch(e -> e.getValue().equals(candidate)
                && KeyHash.of(k(e.getKey()), 0, k(e.getKey()).length) >>> 56 == fingerprint);
        if (!another) {
            throw new AssertionError("the candidate " + candidate + " of " + key + " is no key's with its fingerprint");
        }
        return index.get(k(key));
    }

    private static byte[] k(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** A place from random bits: one of four segments, an offset, a length, an expiry one time in four. */
    /**
     * {@code index} written to an index file and mapped back from it, as a store's open does: a table of a thousand
     * slots or more (after a reservation) takes its first updates in place before it moves to the heap.
     */
    private static KeyDirectory writtenAndMapped(KeyDirectory index) {
        try {
            Path file = files.resolve("viper.index");
            IndexFile.write(FileAccess.real(), file, 1, List.of(new IndexFile.Extent(1, 10, 10, 0, 0)), index, false);
            return IndexFile.read(FileAccess.real(), file, true).index();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Place place(int bits) {
        long expiry = (bits & 3) == 0 ? (bits >>> 2) % 100_000 : RecordHeader.NO_EXPIRY;
        return new Place(1 + ((bits >>> 2) & 3), (bits >>> 4) % 5000 + 20L, 27 + (bits >>> 6) % 300, expiry);
    }
}
