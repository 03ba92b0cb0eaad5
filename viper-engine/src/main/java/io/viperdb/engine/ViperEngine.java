package io.viperdb.engine;

import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreOptions;
import io.viperdb.engine.store.Salvage;
import io.viperdb.engine.store.StoreOpener;
import io.viperdb.spi.StoreEngine;
import java.nio.file.Path;
import java.util.Objects;

/** The engine that {@link KeyValueStore#open} finds with {@link java.util.ServiceLoader}. */
public final class ViperEngine implements StoreEngine {

    /** Called by {@link java.util.ServiceLoader}. */
    public ViperEngine() {
    }

    @Override
    public <V> KeyValueStore<V> open(Path directory, StoreOptions options) {
        return StoreOpener.open(Objects.requireNonNull(directory, "directory"),
                Objects.requireNonNull(options, "options"));
    }

    @Override
    public SalvageReport salvage(Path damaged, Path target, StoreOptions targetOptions) {
        return Salvage.salvage(damaged, target, targetOptions);
    }
}
