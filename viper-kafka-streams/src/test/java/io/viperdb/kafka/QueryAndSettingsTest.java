package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interactive queries with position bounds, the swapped-range warning, and settings from the app config. */
class QueryAndSettingsTest {

    @TempDir
    Path stateDir;


    private static Bytes key(int k) {
        return Bytes.wrap(new byte[] {(byte) k});
    }

    @Test
    void keyAndRangeQueriesAnswerOnceThePositionReachesTheirBound() {
        TestContext context = new TestContext(stateDir);
        KeyValueStore<Bytes, byte[]> store = context.open("queried");
        try {
            int partition = context.taskId().partition();
            for (int offset = 0; offset < 5; offset++) {
                context.processing("input", partition, offset);
                store.put(key(offset), new byte[] {(byte) (10 + offset)});
            }
            QueryConfig config = new QueryConfig(true);
            PositionBound reached = PositionBound.at(Position.emptyPosition().withComponent("input", partition, 4));
            PositionBound ahead = PositionBound.at(Position.emptyPosition().withComponent("input", partition, 5));
            PositionBound otherPartition = PositionBound.at(
                    Position.emptyPosition().withComponent("input", partition + 1, 99));

            QueryResult<byte[]> value = store.query(KeyQuery.withKey(key(2)), reached, config);
            assertTrue(value.isSuccess());
            assertArrayEquals(new byte[] {12}, value.getResult());
            assertEquals(Map.of(partition, 4L), value.getPosition().getPartitionPositions("input"));
            assertFalse(value.getExecutionInfo().isEmpty());

            QueryResult<byte[]> behind = store.query(KeyQuery.withKey(key(2)), ahead, config);
            assertEquals(FailureReason.NOT_UP_TO_BOUND, behind.getFailureReason());
            assertTrue(store.query(KeyQuery.withKey(key(2)), otherPartition, config).isSuccess(),
                    "a bound on another task's partition does not hold this store back");
            assertTrue(store.query(KeyQuery.withKey(key(2)), PositionBound.unbounded(), config).isSuccess());

            QueryResult<KeyValueIterator<Bytes, byte[]>> range = store.query(
                    RangeQuery.<Bytes, byte[]>withRange(key(1), key(3)).withDescendingKeys(), reached, config);
            assertEquals(List.of(key(3), key(2), key(1)), keys(range.getResult()));
            QueryResult<KeyValueIterator<Bytes, byte[]>> all = store.query(RangeQuery.withNoBounds(), reached, config);
            assertEquals(List.of(key(0), key(1), key(2), key(3), key(4)), keys(all.getResult()));

            QueryResult<?> window = store.query(WindowKeyQuery.withKeyAndWindowStartRange(key(1), java.time.Instant.EPOCH, java.time.Instant.EPOCH), reached, config);
            assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, window.getFailureReason());
        } finally {
            store.close();
        }
    }

    @Test
    void aRangeWithSwappedEndsIsEmptyAndWarnsInKafkasWords() {
        Logger logger = Logger.getLogger(ViperKeyValueStore.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = logger.getLevel();
        logger.setLevel(Level.WARNING);
        logger.addHandler(handler);
        KeyValueStore<Bytes, byte[]> store = new TestContext(stateDir).open("queried");
        try {
            store.put(key(1), new byte[] {1});
            assertEquals(List.of(), keys(store.range(key(2), key(0))));
            assertEquals(List.of(), keys(store.reverseRange(key(2), key(0))));
            assertEquals(2, records.size());
            assertTrue(records.get(0).getMessage().startsWith("Returning empty iterator for fetch with invalid key "
                    + "range: from > to."), records.get(0).getMessage());
        } finally {
            store.close();
            logger.removeHandler(handler);
            logger.setLevel(level);
        }
    }

    @Test
    void theLogFileSizeComesFromTheAppConfig() {
        TestContext context = new TestContext(stateDir).with("viperdb.log.file.size", "65536")
                .with("viperdb.reclaim.dead.fraction", "0");
        KeyValueStore<Bytes, byte[]> store = context.open("queried");
        try {
            byte[] value = new byte[1000];
            for (int i = 0; i < 300; i++) {
                store.put(Bytes.wrap(("key-" + i).getBytes()), value);
            }
        } finally {
            store.close();
        }
        assertTrue(valueLogs(stateDir.resolve("queried")) >= 4, "300 KB in 64 KiB files");
    }

    @Test
    void optionsGivenInCodeReplaceTheConfigsLogFileSize() {
        KeyValueStore<Bytes, byte[]> store = ViperStores.keyValueStore("queried",
                StoreOptions.builder().logFileSize(32 << 10).build()).get();
        store.init(new TestContext(stateDir).with("viperdb.log.file.size", "1073741824"), store);
        try {
            for (int i = 0; i < 100; i++) {
                store.put(Bytes.wrap(("key-" + i).getBytes()), new byte[1000]);
            }
        } finally {
            store.close();
        }
        assertTrue(valueLogs(stateDir.resolve("queried")) >= 3, "100 KB in 32 KiB files");
    }

    @Test
    void badSettingsAreRefusedWithTheirKey() {
        ConfigException bad = assertThrows(ConfigException.class,
                () -> new TestContext(stateDir).with("viperdb.log.file.size", "big").open("queried"));
        assertTrue(bad.getMessage().contains("viperdb.log.file.size"), bad.getMessage());
        ConfigException small = assertThrows(ConfigException.class,
                () -> new TestContext(stateDir).with("viperdb.log.file.size", "10").open("queried"));
        assertTrue(small.getMessage().contains("viperdb.log.file.size"), small.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ViperStores.keyValueStore("json", StoreOptions.builder().codec("json").build()));
    }

    private static long valueLogs(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".vlog")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Bytes> keys(KeyValueIterator<Bytes, byte[]> iterator) {
        try (iterator) {
            List<Bytes> keys = new ArrayList<>();
            iterator.forEachRemaining(entry -> keys.add(entry.key));
            return keys;
        }
    }
}
