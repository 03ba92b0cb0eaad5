package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.engine.format.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key directory's table at its edges: collisions, growth, tombstones, long and unusual keys, expiry. */
class KeyDirectoryTest {

    private static final long NEVER = RecordHeader.NO_EXPIRY;

    private final long one = 1;
    private final long two = 2;

    private Place at(long segment, long offset) {
        return new Place(segment, offset, 40, NEVER);
    }

    @Test
    void anEmptyDirectoryHasNothing() {
        KeyDirectory index = new KeyDirectory();
        assertNull(index.get(k("a")));
        assertNull(index.remove(k("a")));
        assertEquals(0, index.size());
        assertEquals(0, index.liveCount(0));
        assertTrue(liveKeys(index, 0).isEmpty());
        assertFalse(index.entries().iterator().hasNext());
    }

    @Test
    void putReturnsWhatItReplacesAndGetTheLatest() {
        KeyDirectory index = new KeyDirectory();
        assertNull(index.put(k("k"), at(one, 20)));
        assertEquals(at(one, 20), index.put(k("k"), at(two, 60)));
        assertEquals(at(two, 60), index.get(k("k")));
        assertEquals(1, index.size());
        assertEquals(at(two, 60), index.remove(k("k")));
        assertNull(index.get(k("k")));
        assertEquals(0, index.size());
    }

    @Test
    void keysThatShareASlotAndAFingerprintAreKeptApart() {
        KeyDirectory index = new KeyDirectory();
        int capacity = index.capacity();
        List<String> colliding = collidingKeys(capacity, 3);
        for (int i = 0; i < colliding.size(); i++) {
            index.put(k(colliding.get(i)), at(one, 100 + i));
        }
        for (int i = 0; i < colliding.size(); i++) {
            assertEquals(at(one, 100 + i), index.get(k(colliding.get(i))), colliding.get(i));
        }
        assertEquals(capacity, index.capacity(), "no rebuild: they really collide in this table");
        // Removing the first leaves a tombstone that the probe for the others passes over.
        index.remove(k(colliding.get(0)));
        assertNull(index.get(k(colliding.get(0))));
        assertEquals(at(one, 101), index.get(k(colliding.get(1))));
        assertEquals(at(one, 102), index.get(k(colliding.get(2))));
        // Put again, the key takes the tombstone's slot and is found once.
        index.put(k(colliding.get(0)), at(two, 7));
        assertEquals(at(two, 7), index.get(k(colliding.get(0))));
        assertEquals(3, index.size());
        assertEquals(3, count(index.entries()));
    }

    @Test
    void aCandidateIsTheFirstEntryWithTheKeysFingerprintAndGetComparesTheKeys() {
        KeyDirectory index = new KeyDirectory();
        List<String> colliding = collidingKeys(index.capacity(), 3);
        index.put(k(colliding.get(0)), at(one, 100));
        index.put(k(colliding.get(1)), at(one, 101));
        // The candidate is taken on its fingerprint alone: the store finds the other key in its record and asks get.
        assertEquals(at(one, 100), index.candidate(k(colliding.get(1))));
        assertEquals(at(one, 101), index.get(k(colliding.get(1))));
        assertEquals(at(one, 100), index.candidate(k(colliding.get(2))), "absent, but its fingerprint matches");
        assertNull(index.get(k(colliding.get(2))));
        // A tombstone between keeps the probe going.
        index.remove(k(colliding.get(0)));
        assertEquals(at(one, 101), index.candidate(k(colliding.get(1))));
        assertEquals(at(one, 101), index.candidate(k(colliding.get(0))), "absent: the other key's is its candidate");
        assertNull(index.get(k(colliding.get(0))));
        assertNull(index.candidate(k("absent")));
    }

    @Test
    void aKeyWithAnExpiryIsComparedInTheDirectory() {
        KeyDirectory index = new KeyDirectory();
        List<String> colliding = collidingKeys(index.capacity(), 2);
        index.put(k(colliding.get(0)), new Place(one, 100, 40, 5_000));
        index.put(k(colliding.get(1)), new Place(one, 101, 40, 6_000));
        assertEquals(new Place(one, 101, 40, 6_000), index.candidate(k(colliding.get(1))),
                "the other key's entry, which expires, was compared in the directory and passed over");
        // Put again without an expiry, the key's own entry is still the candidate; the other's is passed over.
        index.put(k(colliding.get(1)), at(one, 101));
        assertEquals(at(one, 101), index.candidate(k(colliding.get(1))));
        // Without an expiry the first entry is the candidate, whoever's it is.
        index.put(k(colliding.get(0)), at(one, 100));
        assertEquals(at(one, 100), index.candidate(k(colliding.get(1))));
    }

    /** Keys whose hashes give the same home slot in a table of {@code capacity} and the same fingerprint. */
    private static List<String> collidingKeys(int capacity, int count) {
        Map<Long, List<String>> byClass = new HashMap<>();
        for (int i = 0; ; i++) {
            String key = "collide-" + i;
            long hash = KeyHash.of(k(key), 0, k(key).length);
            long home = ((hash & 0xFFFFFFFFL) * capacity) >>> 32;
            long cls = (hash >>> 56) << 32 | home;
            List<String> keys = byClass.computeIfAbsent(cls, c -> new java.util.ArrayList<>());
            keys.add(key);
            if (keys.size() == count) {
                return keys;
            }
        }
    }

    @Test
    void probesWrapAroundTheEndOfTheTable() {
        KeyDirectory index = new KeyDirectory();
        int capacity = index.capacity();
        List<String> atEnd = new java.util.ArrayList<>();
        for (int i = 0; atEnd.size() < 3; i++) {
            String key = "end-" + i;
            if ((((KeyHash.of(k(key), 0, k(key).length) & 0xFFFFFFFFL) * capacity) >>> 32) == capacity - 1) {
                atEnd.add(key);
            }
        }
        for (String key : atEnd) {
            index.put(k(key), at(one, key.length()));
        }
        for (String key : atEnd) {
            assertEquals(at(one, key.length()), index.get(k(key)));
        }
        index.remove(k(atEnd.get(1)));
        assertNull(index.get(k(atEnd.get(1))));
        assertEquals(at(one, atEnd.get(2).length()), index.get(k(atEnd.get(2))));
    }

    @Test
    void growsAndKeepsEveryKey() {
        KeyDirectory index = new KeyDirectory();
        int before = index.capacity();
        for (int i = 0; i < 100_000; i++) {
            index.put(k("key" + i), at(i % 2 == 0 ? one : two, i));
        }
        assertTrue(index.capacity() > before);
        assertEquals(100_000, index.size());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(at(i % 2 == 0 ? one : two, i), index.get(k("key" + i)));
        }
        // Load stays between a half and three quarters after growth.
        assertTrue(index.capacity() <= 100_000 / KeyDirectory.REBUILT_LOAD + 2, "capacity " + index.capacity());
    }

    @Test
    void tombstonesAreDroppedByRebuildsThatDoNotGrowTheTable() {
        KeyDirectory index = new KeyDirectory(1000);
        int capacity = index.capacity();
        // Many more puts and removes than the table has slots: only rebuilds that drop tombstones keep it this size.
        for (int i = 0; i < 50_000; i++) {
            index.put(k("churn" + i), at(one, i));
            index.remove(k("churn" + i));
            if (i % 3 == 0) {
                index.put(k("kept" + (i % 500)), at(two, i));
            }
        }
        assertEquals(500, index.size());
        assertTrue(index.capacity() <= capacity, "capacity " + index.capacity() + ", was " + capacity);
        assertNull(index.get(k("churn0")));
        assertEquals(at(two, 49_998), index.get(k("kept498")));
    }

    @Test
    void theLongestKeyAndTheEmptyKey() {
        KeyDirectory index = new KeyDirectory();
        String longest = "x".repeat(KeyValueStore.MAX_KEY_BYTES);
        String longestMultiByte = "\u00e9".repeat(KeyValueStore.MAX_KEY_BYTES / 2);
        index.put(k(longest), at(one, 1));
        index.put(k(longestMultiByte), at(one, 2));
        index.put(k(""), at(one, 3));
        assertEquals(at(one, 1), index.get(k(longest)));
        assertEquals(at(one, 2), index.get(k(longestMultiByte)));
        assertEquals(at(one, 3), index.get(k("")));
        assertNull(index.get(k(longest.substring(1))));
        assertEquals(Set.of(longest, longestMultiByte, ""), liveKeys(index, 0));
        // Enough of them to fill pages of the arena: entries never span two pages.
        for (int i = 0; i < 1000; i++) {
            index.put(k(i + longest.substring(4)), at(two, i));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(at(two, i), index.get(k(i + longest.substring(4))));
        }
    }

    @Test
    void anyBytesAreAKey() {
        KeyDirectory index = new KeyDirectory();
        List<byte[]> keys = List.of(new byte[0], new byte[] {0}, new byte[] {0, 0}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC3, (byte) 0x28}, "caf\u00e9".getBytes(StandardCharsets.UTF_8),
                "cafe\u0301".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), at(one, i));
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(at(one, i), index.get(keys.get(i).clone()), "key " + i);
            assertEquals(at(one, i), index.candidate(keys.get(i).clone()), "key " + i);
        }
        assertEquals(keys.size(), index.size());
        assertEquals(keys.size(), count(index.entries()));
    }

    @Test
    void aReplayedKeyIsReadFromTheMiddleOfAnArray() {
        KeyDirectory index = new KeyDirectory();
        byte[] hints = "..replayed..".getBytes(StandardCharsets.US_ASCII);
        index.putBytes(hints, 2, 8, KeyHash.of(hints, 2, 8), one, 9, 40, NEVER);
        assertEquals(at(one, 9), index.get(k("replayed")));
        index.removeBytes(hints, 2, 8, KeyHash.of(hints, 2, 8));
        assertNull(index.get(k("replayed")));
        index.removeBytes(hints, 2, 8, KeyHash.of(hints, 2, 8));
        assertEquals(0, index.size());
    }

    @Test
    void aConditionalRemoveComparesTheWholePlace() {
        KeyDirectory index = new KeyDirectory();
        index.put(k("k"), at(one, 10));
        assertFalse(index.remove(k("k"), at(one, 11)));
        assertFalse(index.remove(k("k"), new Place(one, 10, 41, NEVER)));
        assertFalse(index.remove(k("k"), new Place(one, 10, 40, 5)));
        assertFalse(index.remove(k("k"), at(two, 10)));
        assertFalse(index.remove(k("absent"), at(one, 10)));
        assertTrue(index.remove(k("k"), at(one, 10)));
        assertNull(index.get(k("k")));
    }

    @Test
    void aReclaimMovesEntriesBySlotWhileTheTableIsTheOneItWalkedAndByKeyAfterARebuild() {
        KeyDirectory index = new KeyDirectory();
        index.put(k("stays"), at(one, 10));
        index.put(k("overwritten"), at(one, 50));
        index.put(k("elsewhere"), at(two, 90));
        Map<Long, Integer> slotByOffset = new HashMap<>();
        long generation = index.forEachPlace((place, slot) -> {
            if (place.segment() == one) {
                slotByOffset.put(place.offset(), slot);
            }
        });
        assertEquals(2, slotByOffset.size(), "only the entries in segment one");
        index.put(k("overwritten"), at(two, 130));

        assertEquals(KeyDirectory.MOVED, index.moveAt(generation, slotByOffset.get(10L), one, 10, 40, two, 0));
        assertEquals(at(two, 0), index.get(k("stays")));
        assertEquals(KeyDirectory.NOT_MOVED, index.moveAt(generation, slotByOffset.get(50L), one, 50, 40, two, 40),
                "the key points at a newer record now");
        assertEquals(at(two, 130), index.get(k("overwritten")));
        assertEquals(KeyDirectory.NOT_MOVED, index.moveAt(generation, slotByOffset.get(10L), one, 10, 41, two, 0),
                "a record is its segment, offset and length");

        index.reserve(1000); // a rebuild: slot numbers mean nothing in the new table
        assertEquals(KeyDirectory.SLOT_UNKNOWN, index.moveAt(generation, slotByOffset.get(10L), two, 0, 40, one, 0));
        byte[] key = "stays".getBytes(StandardCharsets.US_ASCII);
        assertFalse(index.move(key, 0, key.length, one, 0, 40, two, 80), "not in that segment");
        assertTrue(index.move(key, 0, key.length, two, 0, 40, one, 7));
        assertEquals(at(one, 7), index.get(k("stays")));
        assertEquals(3, index.size());
    }

    @Test
    void expiryIsKeptAndCounted() {
        KeyDirectory index = new KeyDirectory();
        index.put(k("session"), new Place(one, 1, 40, 1000));
        index.put(k("forever"), at(one, 2));
        assertEquals(1000, index.get(k("session")).expiry());
        assertEquals(2, index.liveCount(999));
        assertEquals(1, index.liveCount(1000));
        assertEquals(Set.of("forever"), liveKeys(index, 1000));
        assertEquals(40, index.liveBytes(1000));
        // Put again with another expiry, with none, and with one again: the field is rewritten in place or added.
        index.put(k("session"), new Place(one, 3, 40, 2000));
        assertEquals(2000, index.get(k("session")).expiry());
        index.put(k("session"), at(one, 4));
        assertEquals(NEVER, index.get(k("session")).expiry());
        assertEquals(2, index.liveCount(5000), "no expiring keys: the count needs no walk");
        index.put(k("forever"), new Place(two, 5, 40, 3000));
        assertEquals(3000, index.get(k("forever")).expiry());
        assertEquals(1, index.liveCount(3000));
        index.remove(k("forever"));
        assertEquals(1, index.liveCount(Long.MAX_VALUE - 1));
    }

    @Test
    void expiryAndKeysSurviveRebuilds() {
        KeyDirectory index = new KeyDirectory();
        for (int i = 0; i < 20_000; i++) {
            index.put(k("k" + i), new Place(i % 3 == 0 ? one : two, i, 40, i % 2 == 0 ? NEVER : 10_000 + i));
        }
        for (int i = 0; i < 20_000; i++) {
            assertEquals(new Place(i % 3 == 0 ? one : two, i, 40, i % 2 == 0 ? NEVER : 10_000 + i),
                    index.get(k("k" + i)));
        }
        assertEquals(10_000, index.liveCount(Long.MAX_VALUE - 1));
    }

    @Test
    void arenaGarbageIsReclaimedByRebuilds() {
        KeyDirectory index = new KeyDirectory(1000);
        String padding = "p".repeat(3000);
        for (int i = 0; i < 20_000; i++) {
            index.put(k(padding + (i % 100)), at(one, i));
            index.remove(k(padding + ((i + 50) % 100)));
        }
        // 20,000 removals of 3 KB keys would be 60 MB of arena without compaction.
        assertTrue(index.memoryBytes() < 16L << 20, "memory " + index.memoryBytes());
    }

    @Test
    void aSegmentIsReleasedWhenNoKeyUsesIt() {
        KeyDirectory index = new KeyDirectory();
        long third = 3;
        index.put(k("a"), at(third, 1));
        index.put(k("b"), at(third, 2));
        index.put(k("a"), at(one, 3));
        index.remove(k("b"));
        // Handles are reused: a thousand short-lived segments never run out of them.
        for (int i = 0; i < 1000; i++) {
            long segment = 10 + i;
            index.put(k("moving"), at(segment, i));
            assertEquals(segment, index.get(k("moving")).segment());
        }
        assertEquals(at(one, 3), index.get(k("a")));
    }

    @Test
    void batchesMoveTheVersionOnce() {
        KeyDirectory index = new KeyDirectory();
        long before = index.version();
        index.reserve(100);
        index.applyAtomically(() -> {
            for (int i = 0; i < 100; i++) {
                index.put(k("b" + i), at(one, i));
            }
            assertNotEquals(0, index.version() & 1, "odd while the batch is applied");
        });
        assertEquals(before + 2, index.version());
        assertEquals(100, index.size());
    }

    @Test
    void trimShrinksAnOverSizedTable() {
        KeyDirectory index = new KeyDirectory(1_000_000);
        index.put(k("a"), at(one, 1));
        index.trim();
        assertTrue(index.capacity() < 1000, "capacity " + index.capacity());
        assertEquals(at(one, 1), index.get(k("a")));
    }

    static byte[] k(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** The keys not expired at {@code now}, as strings. */
    private static Set<String> liveKeys(KeyDirectory index, long now) {
        Set<String> keys = new HashSet<>();
        for (Entry entry : index.entries()) {
            if (!entry.place().expiredAt(now)) {
                keys.add(new String(entry.key(), StandardCharsets.UTF_8));
            }
        }
        return keys;
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
