package io.viperdb;

import io.viperdb.spi.StoreEngine;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the storage engine. {@link ServiceLoader} is called here because this module declares {@code uses}. */
final class EngineLoader {
    private EngineLoader() {
    }

    static StoreEngine engine() {
        List<StoreEngine> engines;
        try {
            engines = ServiceLoader.load(StoreEngine.class).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new ViperException("A ViperDB storage engine could not be loaded: " + e.getMessage(), e);
        }
        if (engines.isEmpty()) {
            throw new ViperException("No ViperDB storage engine was found: add the io.viperdb:viper-engine jar "
                    + "(module io.viperdb.engine) to the module path or class path");
        }
        if (engines.size() > 1) {
            throw new ViperException("More than one ViperDB storage engine was found ("
                    + engines.stream().map(e -> e.getClass().getName()).collect(Collectors.joining(", "))
                    + "); keep one viper-engine jar on the module path or class path");
        }
        return engines.get(0);
    }
}
