package io.viperdb.spi;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import java.nio.file.Path;

/**
 * The storage engine behind {@link KeyValueStore#open(Path, StoreOptions)}, found with
 * {@link java.util.ServiceLoader}. The module {@code io.viperdb.engine} provides it; applications do not call it.
 */
public interface StoreEngine {

    /**
     * Opens or creates the store in {@code directory}; see {@link KeyValueStore#open(Path, StoreOptions)}.
     *
     * @param <V> the type of the values
     * @param directory the store's directory
     * @param options how to open it
     * @return the open store
     */
    <V> KeyValueStore<V> open(Path directory, StoreOptions options);
}
