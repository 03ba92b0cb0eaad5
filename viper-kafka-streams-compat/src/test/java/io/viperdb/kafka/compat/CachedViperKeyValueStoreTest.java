package io.viperdb.kafka.compat;

import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.AbstractKeyValueStoreTest;

/**
 * Kafka's key-value store suite against ViperDB's store behind Kafka's record cache, which merges its entries with the
 * store's iterators by {@code peekNextKey()}: it needs them in byte order.
 */
class CachedViperKeyValueStoreTest extends AbstractKeyValueStoreTest {

    @Override
    protected <K, V> KeyValueStore<K, V> createKeyValueStore(StateStoreContext context) {
        KeyValueStore<K, V> store = ViperKeyValueStoreTest.<K, V>builder(context).withCachingEnabled().build();
        store.init(context, store);
        return store;
    }
}
