package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * Random sequences of puts (as strings and as replayed bytes), removes, conditional replaces and removes, batches,
 * reservations and trims agree with a {@code HashMap} at every step, through the rebuilds they cause. Each operation
 * is one random int, so QuickTheories shrinks a failing sequence to a short one and prints its seed.
 */
class KeyDirectoryModelTest {

    private static final Segment[] SEGMENTS = {
        new Segment(1, null, null), new Segment(2, null, null), new Segment(3, null, null), new Segment(4, null, null)
    };
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

    private static void check(List<Integer> operations) {
        KeyDirectory index = new KeyDirectory();
        Map<String, Location> model = new HashMap<>();
        for (int i = 0; i < operations.size(); i++) {
            int r = operations.get(i);
            String key = KEYS.get((r >>> 4) % KEYS.size());
            Location location = location(r >>> 12);
            String step = "step " + i + " (" + r + ")";
            switch (r & 15) {
                case 0, 1, 2, 3 -> assertEquals(model.put(key, location), index.put(key, location), step);
                case 4, 5 -> {
                    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
                    ByteBuffer hint = ByteBuffer.allocate(utf8.length + 3).put(3, utf8);
                    index.put(hint, 3, utf8.length, location.segment(), location.offset(), location.length(),
                            location.expiry());
                    model.put(key, location);
                }
                case 6, 7 -> assertEquals(model.remove(key), index.remove(key), step);
                case 8 -> {
                    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
                    index.remove(ByteBuffer.wrap(utf8), 0, utf8.length);
                    model.remove(key);
                }
                case 9 -> {
                    // Expect the current location half of the time, another the other half.
                    Location expected = (r & 1 << 30) != 0 ? model.get(key) : location(r >>> 8);
                    if (expected != null) {
                        boolean modelReplaced = expected.equals(model.get(key));
                        if (modelReplaced) {
                            model.put(key, location);
                        }
                        assertEquals(modelReplaced, index.replace(key, expected, location), step);
                    }
                }
                case 10 -> {
                    Location expected = (r & 1 << 30) != 0 ? model.get(key) : location(r >>> 8);
                    if (expected != null) {
                        boolean modelRemoved = expected.equals(model.get(key));
                        if (modelRemoved) {
                            model.remove(key);
                        }
                        assertEquals(modelRemoved, index.remove(key, expected), step);
                    }
                }
                case 11 -> {
                    int size = (r >>> 4) % 40;
                    index.reserve(size);
                    index.applyAtomically(() -> {
                        for (int b = 0; b < size; b++) {
                            String batchKey = KEYS.get((int) ((r + b * 7919L) % KEYS.size()));
                            if (b % 4 == 3) {
                                index.remove(batchKey);
                                model.remove(batchKey);
                            } else {
                                Location batchLocation = location((r >>> 12) + b);
                                index.put(batchKey, batchLocation);
                                model.put(batchKey, batchLocation);
                            }
                        }
                    });
                }
                case 12 -> index.reserve((r >>> 4) % 2000);
                case 13 -> index.trim();
                default -> {
                    assertEquals(model.get(key), index.get(key), step);
                    assertEquals(model.get(key), index.read(key, model, KeyDirectoryModelTest::readModel), step);
                }
            }
            assertEquals(model.size(), index.size(), step);
        }
        for (String key : KEYS) {
            assertEquals(model.get(key), index.get(key), key);
            assertEquals(model.get(key), index.read(key, model, KeyDirectoryModelTest::readModel), key);
        }
        Map<String, Location> entries = new HashMap<>();
        for (Map.Entry<String, Location> entry : index.entries()) {
            assertEquals(null, entries.put(entry.getKey(), entry.getValue()), "twice: " + entry.getKey());
        }
        assertEquals(model, entries);
        long now = 50_000;
        Set<String> live = new HashSet<>();
        long bytes = 0;
        for (Map.Entry<String, Location> entry : model.entrySet()) {
            if (!entry.getValue().expiredAt(now)) {
                live.add(entry.getKey());
                bytes += entry.getValue().length();
            }
        }
        assertEquals(live, index.liveKeys(now));
        assertEquals(live.size(), index.liveCount(now));
        assertEquals(bytes, index.liveBytes(now));
    }

    /**
     * A reader whose records are the model's: the record at a location is the key's if the model maps the key to it.
     * Returns the location it was handed, so that a read agrees with the model exactly when it finds the key's entry.
     */
    private static Object readModel(String key, Map<String, Location> model, Segment segment, long offset, int length,
            long expiry, boolean keyChecked) {
        Location location = new Location(segment, offset, length, expiry);
        if (location.equals(model.get(key))) {
            return location;
        }
        if (keyChecked) {
            throw new AssertionError("the directory says " + location + " is the entry of " + key);
        }
        // The key's own entry, handed over unchecked with its expiry lost, would come back checked and fail above.
        return RecordReader.OTHER_KEY;
    }

    /** A location from random bits: one of four segments, an offset, a length, an expiry one time in four. */
    private static Location location(int bits) {
        long expiry = (bits & 3) == 0 ? (bits >>> 2) % 100_000 : RecordHeader.NO_EXPIRY;
        return new Location(SEGMENTS[(bits >>> 2) & 3], (bits >>> 4) % 5000 + 20L, 27 + (bits >>> 6) % 300, expiry);
    }
}
