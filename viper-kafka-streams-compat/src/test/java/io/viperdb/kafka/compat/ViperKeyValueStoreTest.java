package io.viperdb.kafka.compat;

import io.viperdb.kafka.ViperStores;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/** Kafka's key-value store suite against ViperDB's store, built as Kafka builds a store, without the record cache. */
class ViperKeyValueStoreTest extends AbstractKeyValueStoreTest {

    @Override
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        KeyValueStore<K, V> store = ViperKeyValueStoreTest.<K, V>builder(context).build();
        store.init(context, store);
        return store;
    }

    @SuppressWarnings("unchecked")
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StateStoreContext context) {
        return Stores.keyValueStoreBuilder(ViperStores.keyValueStore("viper-store"), (Serde<K>) context.keySerde(),
                (Serde<V>) context.valueSerde());
    }
}
