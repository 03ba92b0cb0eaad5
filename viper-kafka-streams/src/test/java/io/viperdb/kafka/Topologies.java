package io.viperdb.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;

/** The topologies, configs and inputs that the driver tests share. */
final class Topologies {

    static final String WORDS = "words";
    static final String COUNTS = "counts";
    static final String STORE = "word-counts";

    private Topologies() {
    }

    /** {@return a config for a driver whose state lives under {@code stateDir}} */
    static Properties config(Path stateDir, boolean caching) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "viperdb-word-count");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, caching ? 10L << 20 : 0L);
        // The driver commits after every record; a sync each time would make these tests wait on the disk only.
        props.put("viperdb.sync.on.commit", "false");
        return props;
    }

    /** {@return the same config with every DSL store from {@code suppliers}} */
    static Properties withSuppliers(Properties props, Class<?> suppliers) {
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, suppliers);
        return props;
    }

    /**
     * Word count: lines split into words, counted per word in a store, each new count sent to {@value #COUNTS}.
     *
     * @param materialized the store of the counts
     */
    static Topology wordCount(Materialized<String, Long, KeyValueStore<Bytes, byte[]>> materialized) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(WORDS, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> List.of(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(materialized.withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .toStream()
                .to(COUNTS, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    static Materialized<String, Long, KeyValueStore<Bytes, byte[]>> in(KeyValueBytesStoreSupplier supplier,
            boolean caching) {
        Materialized<String, Long, KeyValueStore<Bytes, byte[]>> materialized = Materialized.as(supplier);
        return caching ? materialized.withCachingEnabled() : materialized.withCachingDisabled();
    }

    static Materialized<String, Long, KeyValueStore<Bytes, byte[]>> named(boolean caching) {
        Materialized<String, Long, KeyValueStore<Bytes, byte[]>> materialized = Materialized.as(STORE);
        return caching ? materialized.withCachingEnabled() : materialized.withCachingDisabled();
    }

    static KeyValueBytesStoreSupplier inMemory() {
        return Stores.inMemoryKeyValueStore(STORE);
    }

    /** {@return {@code count} lines of words from a small vocabulary (so that words repeat), seeded} */
    static List<String> lines(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder line = new StringBuilder();
            for (int words = random.nextInt(1, 8); words > 0; words--) {
                line.append(line.length() == 0 ? "" : " ").append("w").append(random.nextInt(200));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Pipes {@code lines} into a word count driver, one second apart from {@code start}, and returns its output. */
    static List<KeyValue<String, Long>> countWords(TopologyTestDriver driver, List<String> lines, Instant start) {
        var input = driver.createInputTopic(WORDS, Serdes.String().serializer(), Serdes.String().serializer());
        TestOutputTopic<String, Long> output = driver.createOutputTopic(COUNTS, Serdes.String().deserializer(),
                Serdes.Long().deserializer());
        for (int i = 0; i < lines.size(); i++) {
            input.pipeInput(new TestRecord<>("line-" + i, lines.get(i), start.plus(Duration.ofSeconds(i))));
        }
        return output.readKeyValuesToList();
    }

    /** {@return the names of the ViperDB stores under a driver's state directory} */
    static java.util.Set<String> viperStoresUnder(Path stateDir) {
        if (!java.nio.file.Files.isDirectory(stateDir)) {
            return java.util.Set.of();
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(stateDir)) {
            return files.filter(file -> file.endsWith("viper.manifest"))
                    .map(file -> file.getParent().getFileName().toString())
                    .collect(java.util.stream.Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@return what {@code run} gives with a new driver of {@code topology} and {@code props}, closed after} */
    static <T> T drive(Topology topology, Properties props, Function<TopologyTestDriver, T> run) {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            return run.apply(driver);
        }
    }
}
