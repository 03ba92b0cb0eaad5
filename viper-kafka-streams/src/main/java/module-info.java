/**
 * ViperDB as a persistent key-value state store of Kafka Streams: {@link io.viperdb.kafka.ViperStores} supplies a
 * store for a {@code Materialized} or a {@code StoreBuilder}, {@link io.viperdb.kafka.ViperDslStoreSuppliers} supplies
 * every key-value store of the DSL (config {@code dsl.store.suppliers.class}).
 *
 * <p>Kafka's jars are not modules: {@code kafka.streams} and {@code kafka.clients} are their automatic names. Only
 * Kafka's public API is used (no {@code internals} package). The engine is found at run time through
 * {@link java.util.ServiceLoader}, as for every ViperDB client.
 */
module io.viperdb.kafka {
    requires transitive io.viperdb.api;
    requires transitive kafka.streams;
    requires transitive kafka.clients;

    exports io.viperdb.kafka;
}
