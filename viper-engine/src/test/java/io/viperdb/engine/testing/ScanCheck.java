package io.viperdb.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.spi.KeyText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks every scan form of a store (all, from, to, between, closed, prefix; forward and reverse; both faces) against
 * a sorted model of its live entries: the same keys in the same order, each value, and {@code peekNextKey} before
 * each {@code next}.
 */
public final class ScanCheck {

    private ScanCheck() {
    }

    /**
     * Checks the scans of {@code store}, which holds exactly {@code live}, over ranges made of {@code bounds}.
     *
     * @param live the live entries, in unsigned byte order of their keys
     */
    public static <V> void check(KeyValueStore<V> store, NavigableMap<byte[], V> live, List<byte[]> bounds,
            String context) {
        List<KeyRange> ranges = new ArrayList<>();
        ranges.add(KeyRange.all());
        for (int i = 0; i < bounds.size(); i++) {
            byte[] a = bounds.get(i);
            byte[] b = bounds.get((i + 1) % bounds.size());
            ranges.add(KeyRange.from(a));
            ranges.add(KeyRange.to(a));
            ranges.add(KeyRange.between(a, b));
            ranges.add(KeyRange.closed(a, b));
            ranges.add(KeyRange.prefix(a));
        }
        for (KeyRange range : ranges) {
            for (Direction direction : Direction.values()) {
                check(store, live, range, direction, context);
            }
        }
    }

    /** One scan, both faces. */
    public static <V> void check(KeyValueStore<V> store, NavigableMap<byte[], V> live, KeyRange range,
            Direction direction, String context) {
        NavigableMap<byte[], V> inRange = new TreeMap<>(Arrays::compareUnsigned);
        live.forEach((key, value) -> {
            if (range.contains(key)) {
                inRange.put(key, value);
            }
        });
        NavigableMap<byte[], V> expected = direction == Direction.FORWARD ? inRange : inRange.descendingMap();
        String what = context + ": scan " + range + " " + direction;
        List<String> expectedKeys = new ArrayList<>();
        List<String> expectedText = new ArrayList<>();
        for (byte[] key : expected.keySet()) {
            expectedKeys.add(HexFormat.of().formatHex(key));
            String text = KeyText.decode(key);
            if (text != null) {
                expectedText.add(text);
            }
        }
        List<String> keys = new ArrayList<>();
        try (Cursor<byte[], V> cursor = store.byteKeys().scan(range, direction)) {
            while (cursor.hasNext()) {
                byte[] peeked = cursor.peekNextKey();
                Map.Entry<byte[], V> entry = cursor.next();
                assertTrue(Arrays.equals(peeked, entry.getKey()), () -> what + ": peekNextKey is the next key");
                V value = expected.get(entry.getKey());
                assertTrue(Objects.deepEquals(value, entry.getValue()), () -> what + ": the value of "
                        + KeyText.describe(entry.getKey()) + " is " + entry.getValue() + ", expected " + value);
                keys.add(HexFormat.of().formatHex(entry.getKey()));
            }
        }
        assertEquals(expectedKeys, keys, what);
        List<String> text = new ArrayList<>();
        try (Cursor<String, V> cursor = store.scan(range, direction)) {
            cursor.forEachRemaining(entry -> text.add(entry.getKey()));
        }
        assertEquals(expectedText, text, what + " (the text face)");
    }
}
