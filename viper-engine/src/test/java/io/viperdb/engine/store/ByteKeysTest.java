package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.ByteKeyStore;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.engine.testing.TestClock;
import io.viperdb.engine.testing.TextCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte keys and scans, one example per rule: a {@code String} key is its UTF-8 bytes; any byte sequence up to the
 * maximum is a key; the text face skips keys that are not text; scans visit ranges in unsigned byte order, either
 * way, and end with the store.
 */
class ByteKeysTest {

    private static final byte[] NOT_TEXT = {(byte) 0xFF, 0x00, (byte) 0x80};

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock();

    private KeyValueStore<String> open() {
        return KeyValueStore.open(dir, StoreOptions.builder().codec(new TextCodec()).clock(clock).build());
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Test
    void aStringKeyIsTheKeyOfItsUtf8Bytes() {
        try (KeyValueStore<String> store = open()) {
            ByteKeyStore<String> raw = store.byteKeys();
            store.put("héllo", "text");
            assertEquals("text", raw.get("héllo".getBytes(StandardCharsets.UTF_8)));
            raw.put("wörld".getBytes(StandardCharsets.UTF_8), "bytes");
            assertEquals("bytes", store.get("wörld"));
            assertEquals(2, raw.size());
            assertTrue(raw.store() == store);
        }
    }

    @Test
    void anyByteSequenceUpToTheMaximumIsAKey() {
        try (KeyValueStore<String> store = open()) {
            ByteKeyStore<String> raw = store.byteKeys();
            byte[] longest = new byte[KeyValueStore.MAX_KEY_BYTES];
            longest[0] = (byte) 0xFE;
            raw.put(new byte[0], "empty");
            raw.put(longest, "longest");
            raw.put(NOT_TEXT, "not text");
            assertThrows(IllegalArgumentException.class, () -> raw.put(new byte[KeyValueStore.MAX_KEY_BYTES + 1], "x"));
            assertThrows(NullPointerException.class, () -> raw.put(null, "x"));
            assertThrows(NullPointerException.class, () -> raw.get(null));
        }
        try (KeyValueStore<String> store = open()) {
            ByteKeyStore<String> raw = store.byteKeys();
            assertEquals("empty", raw.get(new byte[0]));
            assertEquals("empty", store.get(""), "the empty key is the empty string");
            byte[] longest = new byte[KeyValueStore.MAX_KEY_BYTES];
            longest[0] = (byte) 0xFE;
            assertEquals("longest", raw.get(longest));
            assertEquals("not text", raw.get(NOT_TEXT));
        }
    }

    @Test
    void theTextFaceSkipsKeysThatAreNotText() {
        try (KeyValueStore<String> store = open()) {
            store.put("a", "1");
            store.byteKeys().put(NOT_TEXT, "2");
            assertEquals(Set.of("a"), store.keys());
            assertEquals(2, store.size(), "size counts every key");
            try (Cursor<String, String> cursor = store.scan(KeyRange.all())) {
                assertEquals("a", cursor.next().getKey());
                assertFalse(cursor.hasNext());
            }
            try (Cursor<byte[], String> cursor = store.byteKeys().scan(KeyRange.all(), Direction.REVERSE)) {
                assertArrayEquals(NOT_TEXT, cursor.next().getKey());
                assertArrayEquals(bytes('a'), cursor.next().getKey());
            }
        }
    }

    @Test
    void scansVisitTheirRangeInUnsignedByteOrderEitherWay() {
        byte[][] keys = {bytes(), bytes(0x00), bytes(0x00, 0x00), bytes(0x01), bytes(0x7F), bytes(0x7F, 0xFF),
            bytes(0x80), bytes(0xFF), bytes(0xFF, 0x00), bytes(0xFF, 0xFF)};
        try (KeyValueStore<String> store = open()) {
            ByteKeyStore<String> raw = store.byteKeys();
            WriteBatch<String> batch = new WriteBatch<>();
            for (int i = keys.length - 1; i >= 0; i--) {
                batch.put(keys[i], "v" + i);
            }
            raw.write(batch);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), scan(raw, KeyRange.all(), Direction.FORWARD, keys));
            assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), scan(raw, KeyRange.all(), Direction.REVERSE, keys));
            assertEquals(List.of(4, 5), scan(raw, KeyRange.prefix(bytes(0x7F)), Direction.FORWARD, keys));
            assertEquals(List.of(9, 8, 7), scan(raw, KeyRange.prefix(bytes(0xFF)), Direction.REVERSE, keys));
            assertEquals(List.of(7, 8, 9), scan(raw, KeyRange.prefix(bytes(0xFF)), Direction.FORWARD, keys),
                    "a prefix of 0xFF bytes has no end");
            assertEquals(List.of(3, 4, 5), scan(raw, KeyRange.between(bytes(0x01), bytes(0x80)), Direction.FORWARD,
                    keys), "the end is exclusive");
            assertEquals(List.of(3, 4, 5, 6), scan(raw, KeyRange.closed(bytes(0x01), bytes(0x80)), Direction.FORWARD,
                    keys), "a closed range holds its last key");
            assertEquals(List.of(0, 1, 2), scan(raw, KeyRange.to(bytes(0x01)), Direction.FORWARD, keys));
            assertEquals(List.of(9, 8), scan(raw, KeyRange.from(bytes(0xFF, 0x00)), Direction.REVERSE, keys));
            assertEquals(List.of(), scan(raw, KeyRange.between(bytes(0x80), bytes(0x01)), Direction.FORWARD, keys),
                    "a range whose first key is after its end is empty");
        }
    }

    private static List<Integer> scan(ByteKeyStore<String> raw, KeyRange range, Direction direction,
            byte[][] keys) {
        List<Integer> found = new ArrayList<>();
        try (Cursor<byte[], String> cursor = raw.scan(range, direction)) {
            while (cursor.hasNext()) {
                byte[] peeked = cursor.peekNextKey();
                Map.Entry<byte[], String> entry = cursor.next();
                assertArrayEquals(peeked, entry.getKey());
                int i = 0;
                while (KeyRange.compare(keys[i], entry.getKey()) != 0) {
                    i++;
                }
                assertEquals("v" + i, entry.getValue());
                found.add(i);
            }
            assertThrows(NoSuchElementException.class, cursor::peekNextKey);
            assertThrows(NoSuchElementException.class, cursor::next);
        }
        return found;
    }

    @Test
    void aScanSkipsKeysRemovedOrExpiredBeforeItReachesThem() {
        try (KeyValueStore<String> store = open()) {
            store.put("a", "1");
            store.put("b", "2", Duration.ofSeconds(1));
            store.put("c", "3");
            try (Cursor<String, String> cursor = store.scan(KeyRange.all())) {
                Map.Entry<String, String> a = cursor.next();
                store.remove("c");
                clock.advance(Duration.ofSeconds(1));
                assertFalse(cursor.hasNext(), "b expired and c was removed before the cursor reached them");
                assertEquals("1", a.getValue());
            }
        }
    }

    @Test
    void anEntrysValueIsReadWhenAskedFor() {
        try (KeyValueStore<String> store = open()) {
            store.put("a", "old");
            store.put("b", "gone");
            try (Cursor<String, String> cursor = store.scan(KeyRange.all())) {
                Map.Entry<String, String> a = cursor.next();
                Map.Entry<String, String> b = cursor.next();
                store.put("a", "new");
                store.remove("b");
                assertEquals("new", a.getValue(), "a later value of the key");
                assertNull(b.getValue(), "the key was removed in between");
                store.put("a", "newer");
                assertEquals("new", a.getValue(), "read once, then kept");
                assertThrows(UnsupportedOperationException.class, () -> a.setValue("x"));
            }
        }
    }

    @Test
    void closingTheStoreEndsItsScans() {
        KeyValueStore<String> store = open();
        store.put("a", "1");
        store.put("b", "2");
        Cursor<String, String> cursor = store.scan(KeyRange.all());
        Map.Entry<String, String> a = cursor.next();
        store.close();
        assertThrows(StoreClosedException.class, cursor::hasNext);
        assertThrows(StoreClosedException.class, cursor::peekNextKey);
        assertThrows(StoreClosedException.class, a::getValue);
        cursor.close();
        cursor.close();
    }

    @Test
    void batchesMixTextAndByteKeys() {
        try (KeyValueStore<String> store = open()) {
            store.write(new WriteBatch<String>().put("a", "1").put(bytes('a'), "2").put(NOT_TEXT, "3")
                    .remove(bytes('b')));
            assertEquals("2", store.get("a"), "the later put of the same key wins");
            assertEquals("3", store.byteKeys().getAndRemove(NOT_TEXT));
            assertNull(store.byteKeys().get(NOT_TEXT));
            assertThrows(IllegalArgumentException.class,
                    () -> new WriteBatch<String>().put(new byte[KeyValueStore.MAX_KEY_BYTES + 1], "x"));
            assertThrows(IllegalArgumentException.class, () -> new WriteBatch<String>().put("\uD800", "x"),
                    "a key that is not Unicode text is refused when added");
        }
    }

    @Test
    void salvageCopiesKeysThatAreNotText() {
        Path target = dir.resolveSibling(dir.getFileName() + "-salvaged");
        try (KeyValueStore<String> store = open()) {
            store.byteKeys().put(NOT_TEXT, "binary");
            store.byteKeys().put(bytes(0xFF, 0x00, 0x81), "another binary key that decodes to the same text");
            store.put("text", "t");
        }
        SalvageReport report = KeyValueStore.salvage(dir, target);
        assertEquals(3, report.keys());
        try (KeyValueStore<String> store = KeyValueStore.open(target,
                StoreOptions.builder().codec(new TextCodec()).build())) {
            assertEquals("binary", store.byteKeys().get(NOT_TEXT));
            assertEquals("another binary key that decodes to the same text",
                    store.byteKeys().get(bytes(0xFF, 0x00, 0x81)));
            assertEquals("t", store.get("text"));
        }
    }
}
