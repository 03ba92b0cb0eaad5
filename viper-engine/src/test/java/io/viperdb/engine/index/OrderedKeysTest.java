package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.engine.format.RecordHeader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The ordered index beside the hash table: through tens of thousands of puts, removes, moves of entries in the arena
 * (a put that adds an expiry), batches and rebuilds of both kinds, every scan form gives the live keys of a
 * {@code TreeMap} with the unsigned byte comparator, each once; and it stays near 12 bytes a key.
 */
class OrderedKeysTest {

    private static final Place PLACE = new Place(1, 100, 40, RecordHeader.NO_EXPIRY);
    private static final Place EXPIRING = new Place(1, 200, 40, Long.MAX_VALUE - 1);

    @Test
    void scansAgreeWithASortedMapThroughMergesAndRebuilds() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<byte[]> keys = keys(random, 6000);
        KeyDirectory index = new KeyDirectory();
        NavigableMap<byte[], Boolean> model = new TreeMap<>(Arrays::compareUnsigned);
        String context = "seed " + seed;
        for (int step = 0; step < 60_000; step++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            int r = random.nextInt(100);
            if (r < 55) {
                index.put(key, PLACE);
                model.put(key, true);
            } else if (r < 62) {
                // A key without an expiry field that gets one moves in the arena: a stale entry, and a new one.
                index.put(key, EXPIRING);
                model.put(key, true);
            } else if (r < 90) {
                index.remove(key);
                model.remove(key);
            } else if (r < 91) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(keys.get(random.nextInt(keys.size())));
                }
                Place[] places = new Place[batch.size()];
                for (int i = 0; i < places.length; i++) {
                    places[i] = i % 3 == 0 ? null : PLACE;
                }
                index.reserve(places.length);
                index.applyAtomically(() -> index.putAll(batch.toArray(new byte[0][]), places));
                for (int i = 0; i < places.length; i++) {
                    if (places[i] == null) {
                        model.remove(batch.get(i));
                    } else {
                        model.put(batch.get(i), true);
                    }
                }
            } else if (r < 92) {
                index.trim();
            } else if (step % 97 == 0) {
                checkScans(index, model, keys, random, context + ", step " + step);
            }
        }
        checkScans(index, model, keys, random, context);
        // Removed keys' entries are dropped once they are many: never more than the live ones and a quarter again,
        // and a tail.
        assertTrue(index.orderEntries() <= model.size() * 4 / 3 + OrderedKeys.TAIL + 1,
                index.orderEntries() + " entries for " + model.size() + " keys; " + context);
    }

    @Test
    void aDirectoryFilledUnorderedIsOrderedByOneSort() {
        Random random = new Random(7);
        KeyDirectory index = KeyDirectory.unordered(0);
        NavigableMap<byte[], Boolean> model = new TreeMap<>(Arrays::compareUnsigned);
        List<byte[]> keys = keys(random, 20_000);
        for (byte[] key : keys) {
            index.put(key, PLACE);
            model.put(key, true);
        }
        index.orderKeys();
        checkScans(index, model, keys, random, "after one sort");
        for (int i = 0; i < 5000; i++) {
            byte[] key = keys.get(random.nextInt(keys.size()));
            index.remove(key);
            model.remove(key);
        }
        checkScans(index, model, keys, random, "kept since");
    }

    @Test
    void keysSharingLongPrefixesSortByTheirWholeBytes() {
        KeyDirectory index = KeyDirectory.unordered(0);
        NavigableMap<byte[], Boolean> model = new TreeMap<>(Arrays::compareUnsigned);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            keys.add(("user:0000" + Integer.toString(i * 7919 % 5000, 36)).getBytes());
        }
        keys.add("user:000".getBytes());
        keys.add("user:000\u0000".getBytes());
        keys.add(new byte[0]);
        keys.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        keys.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            0});
        for (byte[] key : keys) {
            index.put(key, PLACE);
            model.put(key, true);
        }
        index.orderKeys();
        checkScans(index, model, keys, new Random(3), "one sort");
        KeyDirectory kept = new KeyDirectory();
        for (byte[] key : keys) {
            kept.put(key, PLACE);
        }
        checkScans(kept, model, keys, new Random(4), "kept");
    }

    /** Every scan form, both ways, over ranges made of keys of the model and others. */
    private static void checkScans(KeyDirectory index, NavigableMap<byte[], Boolean> model, List<byte[]> keys,
            Random random, String context) {
        check(index, model, KeyRange.all(), context);
        for (int i = 0; i < 6; i++) {
            byte[] a = keys.get(random.nextInt(keys.size()));
            byte[] b = keys.get(random.nextInt(keys.size()));
            check(index, model, KeyRange.from(a), context);
            check(index, model, KeyRange.to(b), context);
            check(index, model, KeyRange.between(a, b), context);
            check(index, model, KeyRange.closed(a, b), context);
            check(index, model, KeyRange.prefix(Arrays.copyOf(a, Math.min(a.length, random.nextInt(3)))), context);
        }
    }

    private static void check(KeyDirectory index, NavigableMap<byte[], Boolean> model, KeyRange range,
            String context) {
        for (Direction direction : Direction.values()) {
            List<String> expected = new ArrayList<>();
            NavigableMap<byte[], Boolean> view = model;
            if (range.isEmpty()) {
                view = new TreeMap<>(Arrays::compareUnsigned);
            } else if (range.first() != null && range.end() != null) {
                view = model.subMap(range.first(), true, range.end(), false);
            } else if (range.first() != null) {
                view = model.tailMap(range.first(), true);
            } else if (range.end() != null) {
                view = model.headMap(range.end(), false);
            }
            for (byte[] key : direction == Direction.FORWARD ? view.keySet() : view.descendingKeySet()) {
                expected.add(HexFormat.of().formatHex(key));
            }
            List<String> actual = new ArrayList<>();
            KeyScan scan = index.scan(range, direction);
            while (scan.hasNext()) {
                byte[] key = scan.next();
                boolean live = index.get(key) != null;
                if (scan.knownLive()) {
                    assertTrue(live, "known live but absent: " + HexFormat.of().formatHex(key) + "; " + context);
                }
                if (live) {
                    actual.add(HexFormat.of().formatHex(key));
                }
            }
            if (!expected.equals(actual)) {
                int i = 0;
                while (i < Math.min(expected.size(), actual.size()) && expected.get(i).equals(actual.get(i))) {
                    i++;
                }
                throw new AssertionError(range + " " + direction + "; " + context + ": " + expected.size()
                        + " keys expected, " + actual.size() + " returned; first difference at " + i + ": expected "
                        + (i < expected.size() ? expected.get(i) : "none") + ", got "
                        + (i < actual.size() ? actual.get(i) : "none"));
            }
        }
    }

    /** Random keys of 0 to 20 bytes, many sharing prefixes, with the bytes where signed and unsigned order differ. */
    private static List<byte[]> keys(Random random, int count) {
        byte[] alphabet = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF, 'a', 'b'};
        List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        for (int i = 1; i < count; i++) {
            byte[] key;
            if (i % 3 == 0) {
                // A prefix of a key made before, or it extended by a byte.
                byte[] earlier = keys.get(random.nextInt(keys.size()));
                key = random.nextBoolean() ? Arrays.copyOf(earlier, random.nextInt(earlier.length + 1))
                        : Arrays.copyOf(earlier, earlier.length + 1);
                if (key.length > earlier.length) {
                    key[earlier.length] = alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                key = new byte[random.nextInt(21)];
                for (int b = 0; b < key.length; b++) {
                    key[b] = i % 2 == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
                }
            }
            keys.add(key);
        }
        return keys;
    }
}
