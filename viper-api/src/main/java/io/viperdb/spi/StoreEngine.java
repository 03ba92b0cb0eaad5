package io.viperdb.spi;

import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
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

    /**
     * Copies what can be read of a damaged store into a new one, never writing to the damaged store; see
     * {@link KeyValueStore#salvage(Path, Path, StoreOptions)}.
     *
     * @param damaged the directory of the damaged store
     * @param target the directory of the new store, absent or empty
     * @param targetOptions the new store's options
     * @return what was read, copied, skipped and lost
     */
    SalvageReport salvage(Path damaged, Path target, StoreOptions targetOptions);
}
