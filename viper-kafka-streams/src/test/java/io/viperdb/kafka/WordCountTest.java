package io.viperdb.kafka;

import static io.viperdb.kafka.Topologies.STORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Word count through Kafka's DSL with the counts in ViperDB, by a {@code Materialized} supplier and by
 * {@link ViperDslStoreSuppliers}, with Kafka's record cache on and off, at least once and exactly once: every count
 * sent downstream, and the store's content at the end, are those of Kafka's in-memory store.
 */
class WordCountTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> LINES = Topologies.lines(14, 400);

    @TempDir
    Path root;

    @ParameterizedTest(name = "caching {0}")
    @ValueSource(booleans = {false, true})
    void countsThroughMaterializedAreThoseOfTheInMemoryStore(boolean caching) {
        Run expected = run(Topologies.in(Topologies.inMemory(), caching), "memory", caching, null);
        Run viper = run(Topologies.in(ViperStores.keyValueStore(STORE), caching), "viper", caching, null);

        assertFalse(expected.output.isEmpty());
        assertEquals(expected.output, viper.output);
        assertEquals(expected.content, viper.content);
        assertTrue(viper.viperFiles, "the store's files are under <state.dir>/<app>/<task>/" + STORE);
    }

    @ParameterizedTest(name = "{0}, caching {1}")
    @CsvSource({"at_least_once, false", "at_least_once, true", "exactly_once_v2, false", "exactly_once_v2, true"})
    void countsThroughTheDslSuppliersAreThoseOfTheInMemoryStore(String guarantee, boolean caching) {
        Run expected = run(Topologies.named(caching), "memory", caching,
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class, guarantee);
        Run viper = run(Topologies.named(caching), "viper", caching, ViperDslStoreSuppliers.class, guarantee);

        assertEquals(expected.output, viper.output);
        assertEquals(expected.content, viper.content);
        assertTrue(viper.viperFiles);
    }

    /**
     * A driver counts the first half of the lines; its state directory is copied while it runs (TopologyTestDriver
     * deletes its own when it closes); a second driver on the copy counts the second half and continues every count
     * exactly where the first left it.
     */
    @ParameterizedTest(name = "caching {0}")
    @ValueSource(booleans = {false, true})
    void aRestartOnACopyOfTheStateContinuesTheCounts(boolean caching) {
        List<KeyValue<String, Long>> whole = Topologies.drive(
                Topologies.wordCount(Topologies.in(ViperStores.keyValueStore(STORE), caching)),
                Topologies.config(root.resolve("whole"), caching), driver -> Topologies.countWords(driver, LINES, START));

        int half = LINES.size() / 2;
        Path first = root.resolve("first");
        Path copy = root.resolve("copy");
        List<KeyValue<String, Long>> before = new ArrayList<>(Topologies.drive(
                Topologies.wordCount(Topologies.in(ViperStores.keyValueStore(STORE), caching)),
                Topologies.config(first, caching), driver -> {
                    List<KeyValue<String, Long>> output = Topologies.countWords(driver, LINES.subList(0, half), START);
                    copyTree(first, copy);
                    return output;
                }));
        List<KeyValue<String, Long>> after = Topologies.drive(
                Topologies.wordCount(Topologies.in(ViperStores.keyValueStore(STORE), caching)),
                Topologies.config(copy, caching),
                driver -> Topologies.countWords(driver, LINES.subList(half, LINES.size()),
                        START.plusSeconds(half)));

        before.addAll(after);
        assertEquals(whole, before);
    }

    private record Run(List<KeyValue<String, Long>> output, Map<String, Long> content, boolean viperFiles) {
    }

    private Run run(org.apache.kafka.streams.kstream.Materialized<String, Long,
            KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>> materialized, String name, boolean caching,
            Class<?> suppliers) {
        return run(materialized, name, caching, suppliers, StreamsConfig.AT_LEAST_ONCE);
    }

    private Run run(org.apache.kafka.streams.kstream.Materialized<String, Long,
            KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>> materialized, String name, boolean caching,
            Class<?> suppliers, String guarantee) {
        Path stateDir = root.resolve(name + "-" + caching);
        var props = Topologies.config(stateDir, caching);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        if (suppliers != null) {
            Topologies.withSuppliers(props, suppliers);
        }
        return Topologies.drive(Topologies.wordCount(materialized), props, driver -> {
            List<KeyValue<String, Long>> output = Topologies.countWords(driver, LINES, START);
            return new Run(output, content(driver), viperFilesUnder(stateDir, driver));
        });
    }

    private static Map<String, Long> content(TopologyTestDriver driver) {
        Map<String, Long> content = new TreeMap<>();
        KeyValueStore<String, ValueAndTimestamp<Long>> store = driver.getTimestampedKeyValueStore(STORE);
        try (KeyValueIterator<String, ValueAndTimestamp<Long>> all = store.all()) {
            all.forEachRemaining(entry -> content.put(entry.key, entry.value.value()));
        }
        return content;
    }

    /** Whether the store is ViperDB's (under the wrappers) and its files are where Kafka says a store's go. */
    private static boolean viperFilesUnder(Path stateDir, TopologyTestDriver driver) {
        StateStore store = driver.getAllStateStores().get(STORE);
        if (!store.persistent()) {
            return false;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.anyMatch(file -> file.endsWith(Path.of(STORE, "viper.manifest")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path));
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
