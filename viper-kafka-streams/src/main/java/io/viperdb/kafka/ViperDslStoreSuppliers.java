package io.viperdb.kafka;

import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslSessionParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The stores of Kafka Streams' DSL without RocksDB: every key-value store (aggregations, tables, joins' subscription
 * stores) is a ViperDB store ({@link ViperStores#keyValueStore(String)}); window and session stores are Kafka's
 * in-memory ones, which keep their data on the heap and rebuild it from their changelog at each start.
 *
 * <pre>{@code
 * props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, ViperDslStoreSuppliers.class);
 * }</pre>
 *
 * <p>With it, an application runs with {@code rocksdbjni} excluded from its dependencies, unless it names a RocksDB
 * store itself.
 */
public class ViperDslStoreSuppliers implements DslStoreSuppliers {

    /** Creates the suppliers; Kafka calls this for {@code dsl.store.suppliers.class}. */
    public ViperDslStoreSuppliers() {
    }

    /** {@return a ViperDB store supplier, for timestamped and plain stores alike (values are Kafka's bytes)} */
    @Override
    public KeyValueBytesStoreSupplier keyValueStore(DslKeyValueParams params) {
        return ViperStores.keyValueStore(params.name());
    }

    /** {@return Kafka's in-memory window store} */
    @Override
    public WindowBytesStoreSupplier windowStore(DslWindowParams params) {
        return Stores.inMemoryWindowStore(params.name(), params.retentionPeriod(), params.windowSize(),
                params.retainDuplicates());
    }

    /** {@return Kafka's in-memory session store} */
    @Override
    public SessionBytesStoreSupplier sessionStore(DslSessionParams params) {
        return Stores.inMemorySessionStore(params.name(), params.retentionPeriod());
    }
}
