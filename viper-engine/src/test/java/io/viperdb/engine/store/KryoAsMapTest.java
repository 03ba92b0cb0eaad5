package io.viperdb.engine.store;

import io.viperdb.StoreOptions;
import io.viperdb.testkit.StoreMapContract;

/**
 * Guava's {@code ConcurrentMap} suite against {@code asMap()} of stores that use the kryo codec. It runs in the
 * engine's tests rather than the codec module's, whose tests cannot take the engine (the engine's tests take the
 * codecs, and Maven allows no cycle).
 */
class KryoAsMapTest extends StoreMapContract {

    @Override
    protected StoreOptions options() {
        return StoreOptions.builder().codec("kryo").logFileSize(64 << 10).build();
    }
}
