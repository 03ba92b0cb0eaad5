package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.CodecException;
import io.viperdb.CodecMismatchException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreClosedException;
import io.viperdb.StoreLockedException;
import io.viperdb.StoreOptions;
import io.viperdb.UnknownCodecException;
import io.viperdb.ViperException;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import io.viperdb.spi.ValueCodec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** The contract of {@link KeyValueStore}, by example. */
class KeyValueStoreTest {

    @TempDir
    Path dir;

    private final StoreOptions options = StoreOptions.builder().codec(new TextCodec()).build();

    private KeyValueStore<String> open() {
        return KeyValueStore.open(dir, options);
    }

    @Test
    void isUsedLikeAMap() {
        try (KeyValueStore<String> store = open()) {
            assertNull(store.get("greeting"));
            assertEquals("none", store.getOrDefault("greeting", "none"));
            store.put("greeting", "hello");
            store.put("greeting", "hello again");
            store.put("farewell", "bye");
            assertEquals("hello again", store.get("greeting"));
            assertEquals("hello again", store.getOrDefault("greeting", "none"));
            assertTrue(store.containsKey("farewell"));
            assertEquals(2, store.size());
            assertEquals(Set.of("greeting", "farewell"), store.keys());
            assertTrue(store.remove("farewell"));
            assertFalse(store.remove("farewell"), "a second remove finds nothing");
            assertFalse(store.remove("never there"));
            assertFalse(store.containsKey("farewell"));
            assertEquals(1, store.size());
        }
    }

    @Test
    void keysIsAnImmutableSnapshot() {
        try (KeyValueStore<String> store = open()) {
            store.put("a", "1");
            Set<String> keys = store.keys();
            store.put("b", "2");
            assertEquals(Set.of("a"), keys);
            assertThrows(UnsupportedOperationException.class, () -> keys.add("c"));
        }
    }

    @Test
    void keepsEveryKindOfKeyApart() {
        List<String> keys = List.of("", " ", "a", "A", "é", "e\u0301", "日本語", "🦊", "🦊🦊", "a\u0000b", "a\u0000",
                "x".repeat(KeyValueStore.MAX_KEY_BYTES), "ü".repeat(KeyValueStore.MAX_KEY_BYTES / 2));
        try (KeyValueStore<String> store = open()) {
            for (String key : keys) {
                store.put(key, "value of " + key);
            }
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals(keys.size(), store.size());
            for (String key : keys) {
                assertEquals("value of " + key, store.get(key), () -> "key " + key);
            }
        }
    }

    @Test
    void createsMissingDirectories() {
        Path nested = dir.resolve("a/b/c");
        try (KeyValueStore<String> store = KeyValueStore.open(nested, options)) {
            store.put("k", "v");
        }
        assertTrue(Files.isRegularFile(nested.resolve("viper.manifest")));
    }

    @Test
    void refusesBadArgumentsWithJdkExceptionsAndChangesNothing() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
            String tooLong = "x".repeat(KeyValueStore.MAX_KEY_BYTES + 1);
            String threeByteChars = "€".repeat(KeyValueStore.MAX_KEY_BYTES / 3 + 1);
            String loneSurrogate = "a\uD83Db";
            for (String bad : List.of(tooLong, threeByteChars, loneSurrogate, "\uDC00")) {
                assertThrows(IllegalArgumentException.class, () -> store.put(bad, "v"));
                assertThrows(IllegalArgumentException.class, () -> store.put(bad, "v", Duration.ofSeconds(1)));
                assertThrows(IllegalArgumentException.class, () -> store.get(bad));
                assertThrows(IllegalArgumentException.class, () -> store.containsKey(bad));
                assertThrows(IllegalArgumentException.class, () -> store.remove(bad));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.put(tooLong, "v"));
            assertTrue(e.getMessage().contains("4097 bytes"), e.getMessage());
            assertThrows(NullPointerException.class, () -> store.put(null, "v"));
            assertThrows(NullPointerException.class, () -> store.put("k", null));
            assertThrows(NullPointerException.class, () -> store.put("k", null, Duration.ofSeconds(1)));
            assertThrows(NullPointerException.class, () -> store.put("k", "v", (Duration) null));
            assertThrows(NullPointerException.class, () -> store.put("k", "v", (java.time.Instant) null));
            assertThrows(NullPointerException.class, () -> store.get(null));
            assertThrows(NullPointerException.class, () -> store.getOrDefault(null, "d"));
            assertThrows(NullPointerException.class, () -> store.containsKey(null));
            assertThrows(NullPointerException.class, () -> store.remove(null));
            assertThrows(IllegalArgumentException.class, () -> store.put("k", "w", Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> store.put("k", "w", Duration.ofMillis(-1)));
            assertEquals("v", store.get("k"));
            assertEquals(1, store.size());
        }
        try (KeyValueStore<String> store = open()) {
            assertEquals(Set.of("k"), store.keys());
        }
    }

    @Test
    void everyCallAfterCloseIsRefusedAndASecondCloseIsHarmless() {
        KeyValueStore<String> store = open();
        store.put("k", "v");
        store.close();
        store.close();
        List<Executable> calls = List.of(() -> store.get("k"), () -> store.getOrDefault("k", "d"),
                () -> store.put("k", "v"), () -> store.put("k", "v", Duration.ofSeconds(1)), () -> store.remove("k"),
                () -> store.containsKey("k"), store::size, store::keys, store::reclaim, store::flush);
        for (Executable call : calls) {
            StoreClosedException e = assertThrows(StoreClosedException.class, call);
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        }
    }

    @Test
    void aRegularFileIsNotAStore() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
        ViperException e = assertThrows(ViperException.class, () -> KeyValueStore.open(file, options));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
        assertEquals("hello", Files.readString(file));
    }

    @Test
    void aStoreHasOneOpenerInThisJvm() {
        try (KeyValueStore<String> first = open()) {
            first.put("k", "v");
            StoreLockedException e = assertThrows(StoreLockedException.class, this::open);
            assertTrue(e.getMessage().contains("in this JVM"), e.getMessage());
            // The same directory by another spelling is the same store.
            Path other = dir.resolve("..").resolve(dir.getFileName());
            assertThrows(StoreLockedException.class, () -> KeyValueStore.open(other, options));
            // The refused opener must not have disturbed the holder's lock or data.
            first.put("k2", "v2");
            assertEquals("v", first.get("k"));
        }
        try (KeyValueStore<String> again = open()) {
            assertEquals("v2", again.get("k2"));
        }
    }

    @Test
    void aWriterLeavesItsPidAloneInTheLockFileWhateverTheFileHeldBefore() throws Exception {
        Path lockFile = dir.resolve(StoreDirectory.LOCK);
        String pid = ProcessHandle.current().pid() + "\n";
        for (String before : List.of("123456789012345678\n", "7\n", pid, "")) {
            Files.createDirectories(dir);
            Files.writeString(lockFile, before);
            try (KeyValueStore<String> store = open()) {
                assertEquals(pid, Files.readString(lockFile), "after " + before.trim());
            }
        }
    }

    @Test
    void theCodecIsRecordedAndCheckedOnEveryOpen() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
        }
        ValueCodec<String> other = new RenamedCodec("other-codec");
        CodecMismatchException e = assertThrows(CodecMismatchException.class,
                () -> KeyValueStore.open(dir, StoreOptions.builder().codec(other).build()));
        assertTrue(e.getMessage().contains("'" + TextCodec.NAME + "'") && e.getMessage().contains("'other-codec'"),
                e.getMessage());
        assertEquals(TextCodec.NAME, e.storeCodec());
        assertEquals("other-codec", e.requestedCodec());
        // Named by name rather than instance, the codec is looked up first: an unknown one is refused as unknown.
        UnknownCodecException unknown = assertThrows(UnknownCodecException.class,
                () -> KeyValueStore.open(dir, StoreOptions.builder().codec("no-such-codec").build()));
        assertTrue(unknown.getMessage().contains("'no-such-codec'"), unknown.getMessage());
        // With no codec named, the store's own name is looked up: this test codec is no service, so it is unknown,
        // and the message says how to pass it.
        UnknownCodecException own = assertThrows(UnknownCodecException.class, () -> KeyValueStore.open(dir));
        assertTrue(own.getMessage().contains("was written with it"), own.getMessage());
        try (KeyValueStore<String> store = open()) {
            assertEquals("v", store.get("k"), "refused opens leave the store as it was");
        }
    }

    @Test
    void anUnknownCodecLeavesNoStoreBehind() {
        Path fresh = dir.resolve("fresh");
        assertThrows(UnknownCodecException.class,
                () -> KeyValueStore.open(fresh, StoreOptions.builder().codec("no-such-codec").build()));
        assertFalse(Files.exists(fresh));
    }

    @Test
    void aValueTheCodecCannotEncodeIsACodecExceptionAndWritesNothing() {
        StoreOptions picky = StoreOptions.builder().codec(new RenamedCodec("picky")).build();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, picky)) {
            store.put("k", "fine");
            CodecException e = assertThrows(CodecException.class, () -> store.put("k", "refuse me"));
            assertEquals("picky", e.codecName());
            assertTrue(e.getMessage().contains("'picky'") && e.getMessage().contains("java.lang.String"),
                    e.getMessage());
            assertThrows(CodecException.class, () -> store.put("k", "null please"));
            assertEquals("fine", store.get("k"));
        }
        try (KeyValueStore<String> store = KeyValueStore.open(dir, picky)) {
            assertEquals("fine", store.get("k"));
            assertEquals(1, store.size());
        }
    }

    @Test
    void aValueTheCodecCannotDecodeIsACodecExceptionNamingTheKey() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "poison");
        }
        StoreOptions sameNameOtherBehaviour = StoreOptions.builder().codec(new RenamedCodec(TextCodec.NAME)).build();
        try (KeyValueStore<String> store = KeyValueStore.open(dir, sameNameOtherBehaviour)) {
            CodecException e = assertThrows(CodecException.class, () -> store.get("k"));
            assertTrue(e.getMessage().contains("\"k\""), e.getMessage());
        }
    }

    @Test
    void flushMakesWritesVisibleToTheFileSystem() {
        try (KeyValueStore<String> store = open()) {
            store.put("k", "v");
            store.flush();
            Path copy = dir.resolveSibling(dir.getFileName() + "-copy");
            StoreFiles.snapshot(dir, copy);
            try (KeyValueStore<String> crashed = KeyValueStore.open(copy, options)) {
                assertEquals("v", crashed.get("k"));
            } finally {
                StoreFiles.deleteTree(copy);
            }
        }
    }

    @Test
    void toStringNamesTheDirectoryAndCodec() {
        try (KeyValueStore<String> store = open()) {
            assertTrue(store.toString().contains(dir.toString()) && store.toString().contains(TextCodec.NAME));
        }
    }

    /** A text codec under another name that refuses "refuse me", returns null for "null please", and cannot decode "poison". */
    private static final class RenamedCodec implements ValueCodec<String> {
        private final String name;
        private final TextCodec text = new TextCodec();

        RenamedCodec(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte[] encode(String value) {
            if (value.equals("refuse me")) {
                throw new IllegalArgumentException("this codec refuses that");
            }
            return value.equals("null please") ? null : text.encode(value);
        }

        @Override
        public String decode(ByteBuffer bytes) {
            String value = text.decode(bytes);
            if (value.equals("poison")) {
                throw new IllegalStateException("cannot read that");
            }
            return value;
        }
    }

}
