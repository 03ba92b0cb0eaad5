package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joins that lean on ordered scans, run with every DSL store from {@link ViperDslStoreSuppliers} and from Kafka's
 * in-memory suppliers: the outputs are the same. A foreign-key join keeps its subscriptions in a key-value store and
 * reads them with a prefix range for each change of the right side; a stream-stream outer join keeps the records still
 * without a partner in a key-value store ordered by time, and walks it from the start to emit those whose window closed.
 */
class JoinTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path root;
    /** The ViperDB stores the runs opened, by name. */
    private final java.util.Set<String> viperStores = new java.util.TreeSet<>();

    @Test
    void aForeignKeyJoinGivesWhatTheInMemoryStoresGive() {
        List<KeyValue<String, String>> memory = run(foreignKeyJoin(), "memory",
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class, JoinTest::feedOrdersAndProducts);
        List<KeyValue<String, String>> viper = run(foreignKeyJoin(), "viper", ViperDslStoreSuppliers.class,
                JoinTest::feedOrdersAndProducts);
        assertTrue(memory.size() > 100, "the join emitted " + memory.size());
        assertEquals(memory, viper);
        assertTrue(viperStores.stream().anyMatch(store -> store.contains("SUBSCRIPTION")), viperStores.toString());
    }

    @Test
    void aStreamStreamOuterJoinGivesWhatTheInMemoryStoresGive() {
        List<KeyValue<String, String>> memory = run(outerJoin(), "memory",
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class, JoinTest::feedClicksAndViews);
        List<KeyValue<String, String>> viper = run(outerJoin(), "viper", ViperDslStoreSuppliers.class,
                JoinTest::feedClicksAndViews);
        assertTrue(memory.stream().anyMatch(kv -> kv.value.startsWith("null+")), "some views never had a click");
        assertTrue(memory.stream().anyMatch(kv -> kv.value.endsWith("+null")), "some clicks never had a view");
        assertEquals(memory, viper);
        assertTrue(viperStores.stream().anyMatch(store -> store.contains("OUTERSHARED")), viperStores.toString());
    }

    /** Orders (order id to "product:quantity") joined to products (product id to name) by the order's product. */
    private static Topology foreignKeyJoin() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, String> orders = builder.table("orders", Consumed.with(Serdes.String(), Serdes.String()));
        KTable<String, String> products = builder.table("products", Consumed.with(Serdes.String(), Serdes.String()));
        orders.join(products, order -> order.split(":")[0], (order, product) -> order + " of " + product)
                .toStream()
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static void feedOrdersAndProducts(Drive drive) {
        TestInputTopic<String, String> orders = drive.input("orders");
        TestInputTopic<String, String> products = drive.input("products");
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 600; i++) {
            Instant time = START.plusSeconds(i);
            if (random.nextInt(3) == 0) {
                int product = random.nextInt(30);
                products.pipeInput("p" + product, random.nextInt(10) == 0 ? null : "name-" + i, time);
            } else {
                int order = random.nextInt(150);
                orders.pipeInput("o" + order,
                        random.nextInt(12) == 0 ? null : "p" + random.nextInt(30) + ":" + random.nextInt(9), time);
            }
        }
    }

    /** Clicks and views by user, joined within 10 seconds; unmatched ones come out once their window closes. */
    private static Topology outerJoin() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> clicks = builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()));
        KStream<String, String> views = builder.stream("views", Consumed.with(Serdes.String(), Serdes.String()));
        clicks.outerJoin(views, (click, view) -> click + "+" + view,
                        JoinWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(2)),
                        StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        return builder.build();
    }

    private static void feedClicksAndViews(Drive drive) {
        TestInputTopic<String, String> clicks = drive.input("clicks");
        TestInputTopic<String, String> views = drive.input("views");
        SplittableRandom random = new SplittableRandom(41);
        for (int i = 0; i < 800; i++) {
            Instant time = START.plusMillis(i * 700L + random.nextInt(600));
            String user = "u" + random.nextInt(40);
            if (random.nextBoolean()) {
                clicks.pipeInput(user, "c" + i, time);
            } else {
                views.pipeInput(user, "v" + i, time);
            }
        }
        // A late record far ahead closes every window still open.
        clicks.pipeInput("u-last", "c-last", START.plusSeconds(3600));
    }

    /** A running driver, to make input topics of. */
    private record Drive(org.apache.kafka.streams.TopologyTestDriver driver) {
        TestInputTopic<String, String> input(String topic) {
            return driver.createInputTopic(topic, Serdes.String().serializer(), Serdes.String().serializer());
        }
    }

    private List<KeyValue<String, String>> run(Topology topology, String name, Class<?> suppliers,
            java.util.function.Consumer<Drive> feed) {
        var props = Topologies.withSuppliers(Topologies.config(root.resolve(name), true), suppliers);
        return Topologies.drive(topology, props, driver -> {
            feed.accept(new Drive(driver));
            viperStores.addAll(Topologies.viperStoresUnder(root.resolve(name)));
            return driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readKeyValuesToList();
        });
    }
}
