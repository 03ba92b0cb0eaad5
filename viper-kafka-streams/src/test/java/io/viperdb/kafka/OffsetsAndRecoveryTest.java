package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's side of Kafka's offsets (KIP-1035) and of exactly-once: what a commit writes, what a restart reads
 * back, what never shows to Kafka, and what an unclean close costs.
 */
class OffsetsAndRecoveryTest {

    private static final TopicPartition CHANGELOG = new TopicPartition("app-counts-changelog", 3);
    private static final TopicPartition OTHER = new TopicPartition("app-other-changelog", 3);
    /** Kafka's "offset not known yet", which it writes until it knows one and maps back to null when it reads. */
    private static final long UNKNOWN = -4L;

    @TempDir
    Path stateDir;


    /** A store closed at the end of a try block. */
    record Opened(KeyValueStore<Bytes, byte[]> store) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
        }
    }

    private static Bytes key(String text) {
        return Bytes.wrap(text.getBytes());
    }

    @Test
    void theStoreManagesItsOffsetsAndKeepsKafkasFormat() {
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertTrue(store.managesOffsets());
            assertTrue(store.persistent());
            assertInstanceOf(TimestampedBytesStore.class, store);
            assertTrue(Files.isRegularFile(stateDir.resolve("counts").resolve("viper.manifest")),
                    "the store's files are in <stateDir>/<name>");
        }
    }

    @Test
    void aRestartReadsTheCommittedOffsetsBack() {
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertNull(store.committedOffset(CHANGELOG));
            store.put(key("a"), new byte[] {1});
            store.commit(Map.of(CHANGELOG, 41L, OTHER, UNKNOWN));
            assertEquals(41L, store.committedOffset(CHANGELOG));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(41L, store.committedOffset(CHANGELOG));
            assertEquals(UNKNOWN, store.committedOffset(OTHER), "the sentinel round-trips");
            assertArrayEquals(new byte[] {1}, store.get(key("a")));
        }
    }

    @Test
    void aNullOffsetRemovesOnePartitionAndAnEmptyMapRemovesAll() {
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.commit(Map.of(CHANGELOG, 7L, OTHER, 8L));
            Map<TopicPartition, Long> removeOne = new HashMap<>();
            removeOne.put(OTHER, null);
            store.commit(removeOne);
            assertEquals(7L, store.committedOffset(CHANGELOG));
            assertNull(store.committedOffset(OTHER));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(7L, store.committedOffset(CHANGELOG));
            assertNull(store.committedOffset(OTHER));
            store.commit(Map.of());
            assertNull(store.committedOffset(CHANGELOG));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertNull(store.committedOffset(CHANGELOG), "cleared for good");
        }
    }

    @Test
    void metadataNeverShowsAmongTheKeys() {
        TestContext context = new TestContext(stateDir);
        context.processing("words", 3, 17);
        try (Opened opened = new Opened(context.open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.put(key("only"), new byte[] {1});
            store.commit(Map.of(CHANGELOG, 5L, OTHER, 6L));
            assertEquals(1, store.approximateNumEntries());
            assertEquals(List.of(key("only")), keys(store.all()));
            assertEquals(List.of(key("only")), keys(store.range(null, null)));
            assertEquals(List.of(key("only")), keys(store.reverseAll()));
            assertEquals(List.of(), keys(store.range(Bytes.wrap(new byte[0]), Bytes.wrap(new byte[] {0, 0}))));
            assertNull(store.get(Bytes.wrap(new byte[] {'s'})));
            assertNull(store.get(Bytes.wrap(new byte[0])));
        }
    }

    @Test
    void thePositionFollowsTheRecordsWrittenAndSurvivesARestart() {
        TestContext context = new TestContext(stateDir);
        try (Opened opened = new Opened(context.open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            context.processing("words", 3, 10);
            store.put(key("a"), new byte[] {1});
            context.processing("words", 3, 11);
            store.delete(key("a"));
            context.processing("lines", 3, 4);
            store.putAll(List.of(KeyValue.pair(key("b"), new byte[] {2})));
            assertEquals(Map.of(3, 11L), store.getPosition().getPartitionPositions("words"));
            assertEquals(Map.of(3, 4L), store.getPosition().getPartitionPositions("lines"));
            store.commit(Map.of(CHANGELOG, 2L));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(Map.of(3, 11L), store.getPosition().getPartitionPositions("words"));
            assertEquals(Map.of(3, 4L), store.getPosition().getPartitionPositions("lines"));
        }
    }

    @Test
    void aRestoredBatchIsWrittenAtomicallyAndItsLastWriteOfAKeyWins() {
        TestContext context = new TestContext(stateDir);
        try (Opened opened = new Opened(context.open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.put(key("gone"), new byte[] {9});
            context.restorer().restoreAll(List.of(
                    KeyValue.pair("k".getBytes(), new byte[] {1}),
                    KeyValue.pair("k".getBytes(), new byte[] {2}),
                    KeyValue.pair("gone".getBytes(), null),
                    KeyValue.pair("t".getBytes(), new byte[] {3}),
                    KeyValue.pair("t".getBytes(), null)));
            assertArrayEquals(new byte[] {2}, store.get(key("k")));
            assertNull(store.get(key("gone")));
            assertNull(store.get(key("t")));
            assertEquals(1, store.approximateNumEntries());
        }
    }

    @Test
    void iteratorsCloseWithTheStore() {
        KeyValueStore<Bytes, byte[]> store = new TestContext(stateDir).open("counts");
        store.put(key("a"), new byte[] {1});
        store.put(key("b"), new byte[] {2});
        KeyValueIterator<Bytes, byte[]> all = store.all();
        assertEquals(key("a"), all.next().key);
        store.close();
        store.close();
        assertFalse(store.isOpen());
        assertThrows(InvalidStateStoreException.class, all::hasNext);
        assertThrows(InvalidStateStoreException.class, () -> store.get(key("a")));
        all.close();
    }

    @Test
    void nullKeysAreRefusedAndNullValuesDelete() {
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertThrows(NullPointerException.class, () -> store.put(null, new byte[] {1}));
            assertThrows(NullPointerException.class, () -> store.get(null));
            assertThrows(NullPointerException.class, () -> store.delete(null));
            store.put(key("a"), new byte[] {1});
            assertArrayEquals(new byte[] {1}, store.putIfAbsent(key("a"), null));
            assertNull(store.putIfAbsent(key("b"), null));
            assertNull(store.get(key("b")));
            store.put(key("a"), null);
            assertNull(store.get(key("a")));
            store.put(key("empty"), new byte[0]);
            assertArrayEquals(new byte[0], store.get(key("empty")), "an empty value is a value");
        }
    }

    @Test
    void aKeyTooLongForViperDbIsRefusedWithItsLength() {
        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.put(Bytes.wrap(new byte[KeySpace.MAX_USER_KEY_BYTES]), new byte[] {1});
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> store.put(Bytes.wrap(new byte[KeySpace.MAX_USER_KEY_BYTES + 1]), new byte[] {1}));
            assertTrue(refused.getMessage().contains("4096"), refused.getMessage());
        }
    }

    /** Under exactly-once, a store closed cleanly after its last commit opens again with its offsets. */
    @Test
    void exactlyOnceAcceptsAStoreClosedCleanly() {
        try (Opened opened = new Opened(new TestContext(stateDir).exactlyOnce().open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.put(key("a"), new byte[] {1});
            store.commit(Map.of(CHANGELOG, 1L));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).exactlyOnce().open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(1L, store.committedOffset(CHANGELOG));
            assertArrayEquals(new byte[] {1}, store.get(key("a")));
        }
    }

    /**
     * A store closed with writes after its last commit (a dirty close) may hold what Kafka's transaction aborted:
     * under exactly-once it makes Kafka wipe and restore it; under at-least-once it opens with its offsets (the
     * changelog is replayed from there over the newer writes).
     */
    @Test
    void exactlyOnceRefusesAStoreWithWritesPastItsCommit() {
        try (Opened opened = new Opened(new TestContext(stateDir).exactlyOnce().open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            store.commit(Map.of(CHANGELOG, 1L));
            store.put(key("uncommitted"), new byte[] {1});
        }
        TaskCorruptedException corrupted = assertThrows(TaskCorruptedException.class,
                () -> new TestContext(stateDir).exactlyOnce().open("counts"));
        assertEquals(new TestContext(stateDir).taskId(), corrupted.corruptedTasks().iterator().next());

        try (Opened opened = new Opened(new TestContext(stateDir).open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(1L, store.committedOffset(CHANGELOG), "at-least-once keeps the store");
            store.commit(Map.of(CHANGELOG, 2L));
        }
        try (Opened opened = new Opened(new TestContext(stateDir).exactlyOnce().open("counts"))) {
            KeyValueStore<Bytes, byte[]> store = opened.store;
            assertEquals(2L, store.committedOffset(CHANGELOG), "closed cleanly since: accepted again");
        }
    }

    private static List<Bytes> keys(KeyValueIterator<Bytes, byte[]> iterator) {
        try (iterator) {
            List<Bytes> keys = new java.util.ArrayList<>();
            iterator.forEachRemaining(entry -> keys.add(entry.key));
            return keys;
        }
    }
}
