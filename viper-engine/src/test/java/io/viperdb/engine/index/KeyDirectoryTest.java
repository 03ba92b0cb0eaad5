package io.viperdb.engine.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.engine.format.RecordHeader;
import io.viperdb.engine.log.Segment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key directory's table at its edges: collisions, growth, tombstones, long and unusual keys, expiry. */
class KeyDirectoryTest {

    private static final long NEVER = RecordHeader.NO_EXPIRY;

    private final Segment one = new Segment(1, null, null);
    private final Segment two = new Segment(2, null, null);

    private Location at(Segment segment, long offset) {
        return new Location(segment, offset, 40, NEVER);
    }

    @Test
    void anEmptyDirectoryHasNothing() {
        KeyDirectory index = new KeyDirectory();
        assertNull(index.get("a"));
        assertNull(index.remove("a"));
        assertEquals(0, index.size());
        assertEquals(0, index.liveCount(0));
        assertTrue(index.liveKeys(0).isEmpty());
        assertFalse(index.entries().iterator().hasNext());
    }

    @Test
    void putReturnsWhatItReplacesAndGetTheLatest() {
        KeyDirectory index = new KeyDirectory();
        assertNull(index.put("k", at(one, 20)));
        assertEquals(at(one, 20), index.put("k", at(two, 60)));
        assertEquals(at(two, 60), index.get("k"));
        assertEquals(1, index.size());
        assertEquals(at(two, 60), index.remove("k"));
        assertNull(index.get("k"));
        assertEquals(0, index.size());
    }

    @Test
    void keysThatShareASlotAndAFingerprintAreKeptApart() {
        KeyDirectory index = new KeyDirectory();
        int capacity = index.capacity();
        List<String> colliding = collidingKeys(capacity, 3);
        for (int i = 0; i < colliding.size(); i++) {
            index.put(colliding.get(i), at(one, 100 + i));
        }
        for (int i = 0; i < colliding.size(); i++) {
            assertEquals(at(one, 100 + i), index.get(colliding.get(i)), colliding.get(i));
        }
        assertEquals(capacity, index.capacity(), "no rebuild: they really collide in this table");
        // Removing the first leaves a tombstone that the probe for the others passes over.
        index.remove(colliding.get(0));
        assertNull(index.get(colliding.get(0)));
        assertEquals(at(one, 101), index.get(colliding.get(1)));
        assertEquals(at(one, 102), index.get(colliding.get(2)));
        // Put again, the key takes the tombstone's slot and is found once.
        index.put(colliding.get(0), at(two, 7));
        assertEquals(at(two, 7), index.get(colliding.get(0)));
        assertEquals(3, index.size());
        assertEquals(3, count(index.entries()));
    }

    /**
     * A reader over records that hold the keys {@code records} says, at their offsets: like the store's, it takes an
     * entry whose key was not checked for another key's when its record holds another key, and reports a record
     * that is not the key's once the directory says the entry is the key's. It notes every call.
     */
    private static RecordReader<List<String>> recordsHolding(Map<Long, String> records) {
        return (key, calls, segment, offset, length, expiry, keyChecked) -> {
            calls.add(offset + (keyChecked ? " checked" : "") + (expiry != NEVER ? " expires " + expiry : ""));
            if (key.equals(records.get(offset))) {
                return "value of " + key + " at " + offset;
            }
            if (keyChecked) {
                throw new IllegalStateException("damaged record at " + offset);
            }
            return RecordReader.OTHER_KEY;
        };
    }

    @Test
    void aReadGoesOnPastAnotherKeysEntryWithTheSameFingerprint() {
        KeyDirectory index = new KeyDirectory();
        List<String> colliding = collidingKeys(index.capacity(), 3);
        index.put(colliding.get(0), at(one, 100));
        index.put(colliding.get(1), at(one, 101));
        RecordReader<List<String>> reader = recordsHolding(Map.of(100L, colliding.get(0), 101L, colliding.get(1)));

        List<String> calls = new ArrayList<>();
        assertEquals("value of " + colliding.get(1) + " at 101", index.read(colliding.get(1), calls, reader));
        assertEquals(List.of("100", "101"), calls, "the first entry's record holds the other key: probing went on");

        calls.clear();
        assertNull(index.read(colliding.get(2), calls, reader), "absent, though both fingerprints match");
        assertEquals(List.of("100", "101"), calls);

        // A tombstone between keeps the probe going.
        index.remove(colliding.get(0));
        calls.clear();
        assertEquals("value of " + colliding.get(1) + " at 101", index.read(colliding.get(1), calls, reader));
        assertEquals(List.of("101"), calls);
    }

    @Test
    void aDamagedRecordOfTheKeysOwnEntryIsReportedNotSkipped() {
        KeyDirectory index = new KeyDirectory();
        List<String> colliding = collidingKeys(index.capacity(), 2);
        index.put(colliding.get(0), at(one, 100));
        index.put(colliding.get(1), at(one, 101));
        // The record at 101 does not hold its key (damaged, as a reader that checks it would find): the directory
        // compares the key it holds, finds the entry is the key's, and lets the reader report the record.
        RecordReader<List<String>> reader = recordsHolding(Map.of(100L, colliding.get(0), 101L, "something else"));
        List<String> calls = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> index.read(colliding.get(1), calls, reader));
        assertEquals("damaged record at 101", e.getMessage());
        assertEquals(List.of("100", "101", "101 checked"), calls);
    }

    @Test
    void aKeyWithAnExpiryIsComparedInTheDirectoryAndItsExpiryHandedOver() {
        KeyDirectory index = new KeyDirectory();
        List<String> colliding = collidingKeys(index.capacity(), 2);
        index.put(colliding.get(0), new Location(one, 100, 40, 5_000));
        index.put(colliding.get(1), new Location(one, 101, 40, 6_000));
        RecordReader<List<String>> reader = recordsHolding(Map.of(100L, colliding.get(0), 101L, colliding.get(1)));
        List<String> calls = new ArrayList<>();
        assertEquals("value of " + colliding.get(1) + " at 101", index.read(colliding.get(1), calls, reader));
        assertEquals(List.of("101 checked expires 6000"), calls, "the other key's record was not read");

        // Put again without an expiry, the key is handed over unchecked again; with one again, checked.
        index.put(colliding.get(1), at(one, 101));
        calls.clear();
        index.read(colliding.get(1), calls, reader);
        assertEquals(List.of("101"), calls, "the other key's entry, which expires, was compared in the directory");
        index.put(colliding.get(1), new Location(one, 101, 40, 7_000));
        calls.clear();
        index.read(colliding.get(1), calls, reader);
        assertEquals(List.of("101 checked expires 7000"), calls);
        assertEquals(new Location(one, 101, 40, 7_000), index.get(colliding.get(1)));
    }

    @Test
    void aReleasedSegmentIsReadAgainOnlyIfTheDirectoryHasChanged() {
        KeyDirectory index = new KeyDirectory();
        index.put("moved", at(one, 100));
        // As a reclaim does: the entry is moved before the segment is released, so the second look finds it.
        RecordReader<List<String>> reader = (key, calls, segment, offset, length, expiry, keyChecked) -> {
            calls.add(segment.id() + ":" + offset);
            if (segment == one) {
                index.put("moved", at(two, 7));
                return RecordReader.RELEASED;
            }
            return "value";
        };
        List<String> calls = new ArrayList<>();
        assertEquals("value", index.read("moved", calls, reader));
        assertEquals(List.of("1:100", "2:7"), calls);

        // Released while the directory still points there: a bug, never a loop.
        RecordReader<List<String>> stale = (key, context, segment, offset, length, expiry, keyChecked) ->
                RecordReader.RELEASED;
        assertThrows(IllegalStateException.class,
                () -> index.read("moved", calls, stale));
    }

    /** Keys whose hashes give the same home slot in a table of {@code capacity} and the same fingerprint. */
    private static List<String> collidingKeys(int capacity, int count) {
        Map<Long, List<String>> byClass = new HashMap<>();
        for (int i = 0; ; i++) {
            String key = "collide-" + i;
            long hash = KeyHash.of(key);
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
            if ((((KeyHash.of(key) & 0xFFFFFFFFL) * capacity) >>> 32) == capacity - 1) {
                atEnd.add(key);
            }
        }
        for (String key : atEnd) {
            index.put(key, at(one, key.length()));
        }
        for (String key : atEnd) {
            assertEquals(at(one, key.length()), index.get(key));
        }
        index.remove(atEnd.get(1));
        assertNull(index.get(atEnd.get(1)));
        assertEquals(at(one, atEnd.get(2).length()), index.get(atEnd.get(2)));
    }

    @Test
    void growsAndKeepsEveryKey() {
        KeyDirectory index = new KeyDirectory();
        int before = index.capacity();
        for (int i = 0; i < 100_000; i++) {
            index.put("key" + i, at(i % 2 == 0 ? one : two, i));
        }
        assertTrue(index.capacity() > before);
        assertEquals(100_000, index.size());
        for (int i = 0; i < 100_000; i++) {
            assertEquals(at(i % 2 == 0 ? one : two, i), index.get("key" + i));
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
            index.put("churn" + i, at(one, i));
            index.remove("churn" + i);
            if (i % 3 == 0) {
                index.put("kept" + (i % 500), at(two, i));
            }
        }
        assertEquals(500, index.size());
        assertTrue(index.capacity() <= capacity, "capacity " + index.capacity() + ", was " + capacity);
        assertNull(index.get("churn0"));
        assertEquals(at(two, 49_998), index.get("kept498"));
    }

    @Test
    void theLongestKeyAndTheEmptyKey() {
        KeyDirectory index = new KeyDirectory();
        String longest = "x".repeat(KeyValueStore.MAX_KEY_BYTES);
        String longestMultiByte = "\u00e9".repeat(KeyValueStore.MAX_KEY_BYTES / 2);
        index.put(longest, at(one, 1));
        index.put(longestMultiByte, at(one, 2));
        index.put("", at(one, 3));
        assertEquals(at(one, 1), index.get(longest));
        assertEquals(at(one, 2), index.get(longestMultiByte));
        assertEquals(at(one, 3), index.get(""));
        assertNull(index.get(longest.substring(1)));
        assertEquals(Set.of(longest, longestMultiByte, ""), index.liveKeys(0));
        // Enough of them to fill pages of the arena: entries never span two pages.
        for (int i = 0; i < 1000; i++) {
            index.put(i + longest.substring(4), at(two, i));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(at(two, i), index.get(i + longest.substring(4)));
        }
    }

    @Test
    void unicodeKeysAreTheirUtf8Bytes() {
        KeyDirectory index = new KeyDirectory();
        List<String> keys = List.of("caf\u00e9", "cafe\u0301", "\u65e5\u672c", "\ud83d\ude00 smile", "a\u0000b",
                "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff", "\ud800\udc00");
        for (int i = 0; i < keys.size(); i++) {
            index.put(keys.get(i), at(one, i));
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(at(one, i), index.get(keys.get(i)), keys.get(i));
        }
        assertEquals(Set.copyOf(keys), index.liveKeys(0));
        // A key replayed from bytes is the same key as the string whose UTF-8 they are.
        for (int i = 0; i < keys.size(); i++) {
            byte[] utf8 = keys.get(i).getBytes(StandardCharsets.UTF_8);
            ByteBuffer hint = ByteBuffer.allocate(utf8.length + 10);
            hint.put(5, utf8);
            index.put(hint, 5, utf8.length, two, i, 40, NEVER);
            assertEquals(at(two, i), index.get(keys.get(i)));
        }
        assertEquals(keys.size(), index.size());
        // A string that is not ASCII but has as many chars as an ASCII key has bytes is not that key.
        index.put("ab", at(one, 99));
        assertNull(index.get("\u00e9"));
    }

    @Test
    void replayedRemovesAndDirectBuffers() {
        KeyDirectory index = new KeyDirectory();
        ByteBuffer direct = ByteBuffer.allocateDirect(32);
        direct.put(3, "direct".getBytes(StandardCharsets.US_ASCII));
        index.put(direct, 3, 6, one, 9, 40, NEVER);
        assertEquals(at(one, 9), index.get("direct"));
        index.remove(direct, 3, 6);
        assertNull(index.get("direct"));
        index.remove(direct, 3, 6);
        assertEquals(0, index.size());
    }

    @Test
    void replaceAndConditionalRemoveCompareTheWholeLocation() {
        KeyDirectory index = new KeyDirectory();
        index.put("k", at(one, 10));
        assertFalse(index.replace("k", at(one, 11), at(two, 0)));
        assertFalse(index.replace("k", new Location(one, 10, 41, NEVER), at(two, 0)));
        assertFalse(index.replace("k", new Location(one, 10, 40, 5), at(two, 0)));
        assertFalse(index.replace("absent", at(one, 10), at(two, 0)));
        assertTrue(index.replace("k", at(one, 10), at(two, 0)));
        assertEquals(at(two, 0), index.get("k"));
        assertFalse(index.remove("k", at(one, 10)));
        assertTrue(index.remove("k", at(two, 0)));
        assertNull(index.get("k"));
    }

    @Test
    void aReclaimMovesEntriesBySlotWhileTheTableIsTheOneItWalkedAndByKeyAfterARebuild() {
        KeyDirectory index = new KeyDirectory();
        index.put("stays", at(one, 10));
        index.put("overwritten", at(one, 50));
        index.put("elsewhere", at(two, 90));
        Map<Long, Integer> slotByOffset = new HashMap<>();
        long generation = index.forEachPlace((segment, offset, length, expiry, slot) -> {
            if (segment == one) {
                slotByOffset.put(offset, slot);
            }
        });
        assertEquals(2, slotByOffset.size(), "only the entries in segment one");
        index.put("overwritten", at(two, 130));

        assertEquals(KeyDirectory.MOVED, index.moveAt(generation, slotByOffset.get(10L), one, 10, 40, two, 0));
        assertEquals(at(two, 0), index.get("stays"));
        assertEquals(KeyDirectory.NOT_MOVED, index.moveAt(generation, slotByOffset.get(50L), one, 50, 40, two, 40),
                "the key points at a newer record now");
        assertEquals(at(two, 130), index.get("overwritten"));
        assertEquals(KeyDirectory.NOT_MOVED, index.moveAt(generation, slotByOffset.get(10L), one, 10, 41, two, 0),
                "a record is its segment, offset and length");

        index.reserve(1000); // a rebuild: slot numbers mean nothing in the new table
        assertEquals(KeyDirectory.SLOT_UNKNOWN, index.moveAt(generation, slotByOffset.get(10L), two, 0, 40, one, 0));
        byte[] key = "stays".getBytes(StandardCharsets.US_ASCII);
        assertFalse(index.move(key, 0, key.length, one, 0, 40, two, 80), "not in that segment");
        assertTrue(index.move(key, 0, key.length, two, 0, 40, one, 7));
        assertEquals(at(one, 7), index.get("stays"));
        assertEquals(3, index.size());
    }

    @Test
    void expiryIsKeptAndCounted() {
        KeyDirectory index = new KeyDirectory();
        index.put("session", new Location(one, 1, 40, 1000));
        index.put("forever", at(one, 2));
        assertEquals(1000, index.get("session").expiry());
        assertEquals(2, index.liveCount(999));
        assertEquals(1, index.liveCount(1000));
        assertEquals(Set.of("forever"), index.liveKeys(1000));
        assertEquals(40, index.liveBytes(1000));
        // Put again with another expiry, with none, and with one again: the field is rewritten in place or added.
        index.put("session", new Location(one, 3, 40, 2000));
        assertEquals(2000, index.get("session").expiry());
        index.put("session", at(one, 4));
        assertEquals(NEVER, index.get("session").expiry());
        assertEquals(2, index.liveCount(5000), "no expiring keys: the count needs no walk");
        index.put("forever", new Location(two, 5, 40, 3000));
        assertEquals(3000, index.get("forever").expiry());
        assertEquals(1, index.liveCount(3000));
        index.remove("forever");
        assertEquals(1, index.liveCount(Long.MAX_VALUE - 1));
    }

    @Test
    void expiryAndKeysSurviveRebuilds() {
        KeyDirectory index = new KeyDirectory();
        for (int i = 0; i < 20_000; i++) {
            index.put("k" + i, new Location(i % 3 == 0 ? one : two, i, 40, i % 2 == 0 ? NEVER : 10_000 + i));
        }
        for (int i = 0; i < 20_000; i++) {
            assertEquals(new Location(i % 3 == 0 ? one : two, i, 40, i % 2 == 0 ? NEVER : 10_000 + i),
                    index.get("k" + i));
        }
        assertEquals(10_000, index.liveCount(Long.MAX_VALUE - 1));
    }

    @Test
    void arenaGarbageIsReclaimedByRebuilds() {
        KeyDirectory index = new KeyDirectory(1000);
        String padding = "p".repeat(3000);
        for (int i = 0; i < 20_000; i++) {
            index.put(padding + (i % 100), at(one, i));
            index.remove(padding + ((i + 50) % 100));
        }
        // 20,000 removals of 3 KB keys would be 60 MB of arena without compaction.
        assertTrue(index.memoryBytes() < 16L << 20, "memory " + index.memoryBytes());
    }

    @Test
    void aSegmentIsReleasedWhenNoKeyUsesIt() {
        KeyDirectory index = new KeyDirectory();
        Segment third = new Segment(3, null, null);
        index.put("a", at(third, 1));
        index.put("b", at(third, 2));
        index.put("a", at(one, 3));
        index.remove("b");
        // Handles are reused: a thousand short-lived segments never run out of them.
        for (int i = 0; i < 1000; i++) {
            Segment segment = new Segment(10 + i, null, null);
            index.put("moving", at(segment, i));
            assertSame(segment, index.get("moving").segment());
        }
        assertEquals(at(one, 3), index.get("a"));
    }

    @Test
    void batchesMoveTheVersionOnce() {
        KeyDirectory index = new KeyDirectory();
        long before = index.version();
        index.reserve(100);
        index.applyAtomically(() -> {
            for (int i = 0; i < 100; i++) {
                index.put("b" + i, at(one, i));
            }
            assertNotEquals(0, index.version() & 1, "odd while the batch is applied");
        });
        assertEquals(before + 2, index.version());
        assertEquals(100, index.size());
    }

    @Test
    void trimShrinksAnOverSizedTable() {
        KeyDirectory index = new KeyDirectory(1_000_000);
        index.put("a", at(one, 1));
        index.trim();
        assertTrue(index.capacity() < 1000, "capacity " + index.capacity());
        assertEquals(at(one, 1), index.get("a"));
    }

    private static int count(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
