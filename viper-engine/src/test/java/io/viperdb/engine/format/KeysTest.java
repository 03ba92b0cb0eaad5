package io.viperdb.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.viperdb.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Keys on disk are exactly their UTF-8 encoding; the JDK's encoder is the oracle. */
class KeysTest {

    /** Any string the JDK encodes losslessly: arbitrary code points, surrogates paired. */
    private static final Gen<String> TEXT = SourceDSL.lists().of(SourceDSL.integers().between(0, 0x10FFFF)
            .assuming(cp -> !Character.isSurrogate((char) cp.intValue()) || cp > 0xFFFF))
            .ofSizeBetween(0, 40)
            .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                    StringBuilder::append).toString());

    @Test
    void encodingIsTheJdksUtf8AndCheckMeasuresIt() {
        qt().withExamples(2000).forAll(TEXT).checkAssert(key -> {
            byte[] jdk = key.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(jdk, Keys.encode(key));
            assertEquals(jdk.length, Keys.encode(key).length);
        });
    }

    @Test
    void matchesAcceptsExactlyTheKeysOwnBytes() {
        qt().withExamples(2000).forAll(TEXT, TEXT).checkAssert((key, other) -> {
            ByteBuffer stored = ByteBuffer.wrap(("##" + other + "##").getBytes(StandardCharsets.UTF_8));
            int length = other.getBytes(StandardCharsets.UTF_8).length;
            assertEquals(key.equals(other), Keys.matches(utf8(key), stored, 2, length), key + " vs " + other);
            ByteBuffer own = ByteBuffer.wrap(utf8(key));
            assertTrue(Keys.matches(utf8(key), own, 0, own.limit()));
        });
    }

    /** Mostly ASCII, as keys mostly are, so that matches compares whole words and the bytes after them. */
    private static final Gen<String> MOSTLY_ASCII = SourceDSL.lists().of(SourceDSL.integers().between(0, 19)
            .map(i -> i < 16 ? String.valueOf((char) ('a' + i % 3)) : List.of("\u00e9", "\u65e5", "\ud83e\udd8a", "\u007f").get(i - 16)))
            .ofSizeBetween(0, 40)
            .map(parts -> String.join("", parts));

    @Test
    void matchesAcceptsExactlyTheKeysOwnBytesInWordsToo() {
        qt().withExamples(5000).forAll(MOSTLY_ASCII, MOSTLY_ASCII).checkAssert((key, other) -> {
            byte[] utf8 = ("#" + other).getBytes(StandardCharsets.UTF_8);
            int length = utf8.length - 1;
            ByteBuffer direct = ByteBuffer.allocateDirect(utf8.length).put(0, utf8);
            for (ByteBuffer stored : List.of(ByteBuffer.wrap(utf8), direct, direct.asReadOnlyBuffer(),
                    ByteBuffer.wrap(utf8).order(ByteOrder.LITTLE_ENDIAN))) {
                assertEquals(key.equals(other), Keys.matches(utf8(key), stored, 1, length), key + " vs " + other);
                assertTrue(Keys.matches(utf8(other), stored, 1, length), other);
            }
        });
    }

    @Test
    void aPrefixOrExtensionDoesNotMatch() {
        ByteBuffer stored = ByteBuffer.wrap(utf8("key1"));
        assertFalse(Keys.matches(utf8("key"), stored, 0, 4));
        assertFalse(Keys.matches(utf8("key12"), stored, 0, 4));
        assertFalse(Keys.matches(utf8("🦊"), ByteBuffer.wrap(new byte[] {(byte) 0xF0, (byte) 0x9F}), 0, 2));
        assertTrue(Keys.matches(new byte[0], stored, 4, 0), "the empty key is a key like another");
    }

    private static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLimitCountsBytesNotCharacters() {
        assertEquals(KeyValueStore.MAX_KEY_BYTES, Keys.encode("a".repeat(KeyValueStore.MAX_KEY_BYTES)).length);
        assertEquals(KeyValueStore.MAX_KEY_BYTES, Keys.encode("🦊".repeat(KeyValueStore.MAX_KEY_BYTES / 4)).length);
        assertThrows(IllegalArgumentException.class, () -> Keys.encode("🦊".repeat(KeyValueStore.MAX_KEY_BYTES / 4 + 1)));
    }

    @Test
    void unpairedSurrogatesAreRefusedWithTheirIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.encode("ab\uDC00"));
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keys.encode("\uD800"));
        assertThrows(IllegalArgumentException.class, () -> Keys.encode("\uD800x"));
        assertThrows(NullPointerException.class, () -> Keys.encode(null));
    }
}
