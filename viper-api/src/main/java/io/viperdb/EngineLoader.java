package io.viperdb;

import io.viperdb.spi.StoreEngine;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.ServiceLoader.Provider;
import java.util.stream.Collectors;

/**
 * Finds the storage engine. {@link ServiceLoader} is called here because this module declares {@code uses}.
 *
 * <p>By the rule of {@link io.viperdb.spi.ValueCodecs}: through the class loader that loaded this API (the context
 * class loader, or the system class loader when there is none, is that loader), the providers the first lookup finds
 * are kept, so that opening a store does not ask {@code ServiceLoader} again; through any other, every lookup asks
 * afresh. Each lookup makes a new engine.
 */
final class EngineLoader {

    private static final ClassLoader OWN_LOADER = EngineLoader.class.getClassLoader();

    /** The engine providers found through {@link #OWN_LOADER}: null until a lookup has found them. */
    private static volatile List<Provider<StoreEngine>> kept;

    private EngineLoader() {
    }

    static StoreEngine engine() {
        List<Provider<StoreEngine>> providers = providers();
        if (providers.isEmpty()) {
            throw new ViperException("No ViperDB storage engine was found: add the io.viperdb:viper-engine jar "
                    + "(module io.viperdb.engine) to the module path or class path");
        }
        if (providers.size() > 1) {
            throw new ViperException("More than one ViperDB storage engine was found ("
                    + providers.stream().map(p -> p.type().getName()).collect(Collectors.joining(", "))
                    + "); keep one viper-engine jar on the module path or class path");
        }
        try {
            return providers.get(0).get();
        } catch (ServiceConfigurationError e) {
            throw cannotLoad(e);
        }
    }

    private static List<Provider<StoreEngine>> providers() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : ClassLoader.getSystemClassLoader();
        if (loader != OWN_LOADER) {
            return find(loader);
        }
        List<Provider<StoreEngine>> providers = kept;
        if (providers == null) {
            // A lookup that finds no engine, or fails, keeps nothing: the next one looks again.
            providers = find(loader);
            if (!providers.isEmpty()) {
                kept = providers;
            }
        }
        return providers;
    }

    private static List<Provider<StoreEngine>> find(ClassLoader loader) {
        try {
            return ServiceLoader.load(StoreEngine.class, loader).stream().toList();
        } catch (ServiceConfigurationError e) {
            throw cannotLoad(e);
        }
    }

    private static ViperException cannotLoad(ServiceConfigurationError e) {
        return new ViperException("A ViperDB storage engine could not be loaded: " + e.getMessage(), e);
    }
}
