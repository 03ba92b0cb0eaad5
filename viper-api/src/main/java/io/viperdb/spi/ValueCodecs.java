package io.viperdb.spi;

import io.viperdb.CodecException;
import io.viperdb.UnknownCodecException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.ServiceLoader.Provider;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The codecs on the module path and class path, by name.
 *
 * <p>Codecs are found with {@link ServiceLoader} through the thread's context class loader (the system class loader
 * when it has none), and every provider is checked: an invalid name or two providers with one name is a
 * {@link CodecException}, never a silent choice between them. Through the class loader that loaded this API, the usual
 * case (one class path or module path, where the context class loader is that loader), the providers the first lookup
 * finds are kept: a later lookup neither asks {@code ServiceLoader} again nor makes any codec but the one it returns,
 * which matters to a store that opens often (a lookup costs from a tenth of a millisecond in a warm JVM to over a
 * millisecond in a young one, and more for codecs that are costly to make). Codecs that become visible to that loader
 * afterwards are therefore not seen. Through any other context class loader (an application server's, or one of a
 * module layer created at run time) every lookup asks {@code ServiceLoader} afresh, so it sees the codecs of that
 * loader as they are then, and keeps nothing that could hold the loader.
 */
public final class ValueCodecs {

    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** The codecs found through the class loader of this API, found by the first lookup that uses it. */
    private static final Catalog OWN = new Catalog(ValueCodecs.class.getClassLoader());

    private ValueCodecs() {
    }

    /** {@return the names of the codecs that {@link ServiceLoader} finds, sorted} */
    public static SortedSet<String> available() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(providers().keySet()));
    }

    /**
     * Returns a new instance of the codec called {@code name}.
     *
     * @param name the codec's name
     * @return a new instance of it
     * @throws UnknownCodecException if none has that name; its message lists the names available
     */
    public static ValueCodec<?> named(String name) {
        Map<String, Provider<ValueCodec<?>>> providers = providers();
        Provider<ValueCodec<?>> provider = providers.get(name);
        if (provider == null) {
            throw new UnknownCodecException(name, providers.keySet(), hint(name));
        }
        return make(provider);
    }

    /**
     * Checks that {@code name} is a valid codec name: 1 to 64 characters of lower-case ASCII letters, digits,
     * {@code .}, {@code _} and {@code -}, starting with a letter or digit.
     *
     * @param name the name to check
     * @return the name
     * @throws IllegalArgumentException if it is not
     */
    public static String checkName(String name) {
        if (name == null || !VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid codec name " + (name == null ? "null" : "'" + name + "'")
                    + ": use 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
        return name;
    }

    /** The checked providers by codec name, through the context class loader: kept for this API's own loader. */
    private static Map<String, Provider<ValueCodec<?>>> providers() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : ClassLoader.getSystemClassLoader();
        return loader == OWN.loader ? OWN.providers() : find(loader);
    }

    /**
     * The codecs found through one class loader, found when first asked for and then kept: the providers, by the name
     * of the codec each makes (each made once, to learn it).
     */
    static final class Catalog {
        private final ClassLoader loader;
        /** Null until a lookup has found them; set again only if two lookups race, to an equal map. */
        private volatile Map<String, Provider<ValueCodec<?>>> found;

        Catalog(ClassLoader loader) {
            this.loader = loader;
        }

        /** The checked providers by name; a lookup that fails keeps nothing, so the next one looks again. */
        Map<String, Provider<ValueCodec<?>>> providers() {
            Map<String, Provider<ValueCodec<?>>> providers = found;
            if (providers == null) {
                providers = find(loader);
                found = providers;
            }
            return providers;
        }
    }

    /** Asks {@link ServiceLoader} for the codec providers through {@code loader}, and indexes them by name. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Provider<ValueCodec<?>>> find(ClassLoader loader) {
        List<Provider<ValueCodec<?>>> providers = new ArrayList<>();
        try {
            ServiceLoader.load(ValueCodec.class, loader).stream()
                    .forEach(provider -> providers.add((Provider<ValueCodec<?>>) (Provider) provider));
        } catch (ServiceConfigurationError e) {
            throw cannotLoad(e);
        }
        return byName(providers);
    }

    /**
     * Makes the codec of {@code provider}: a new instance, for a provider class with a public no-argument constructor.
     */
    private static ValueCodec<?> make(Provider<ValueCodec<?>> provider) {
        try {
            return provider.get();
        } catch (ServiceConfigurationError e) {
            throw cannotLoad(e);
        }
    }

    private static CodecException cannotLoad(ServiceConfigurationError e) {
        return new CodecException("?", "A value codec provider could not be loaded: " + e.getMessage(), e);
    }

    /** Indexes providers by the name of the codec each makes, refusing invalid and duplicate names. */
    static Map<String, Provider<ValueCodec<?>>> byName(List<Provider<ValueCodec<?>>> providers) {
        Map<String, Provider<ValueCodec<?>>> byName = new LinkedHashMap<>();
        Map<String, ValueCodec<?>> codecs = new LinkedHashMap<>();
        for (Provider<ValueCodec<?>> provider : providers) {
            ValueCodec<?> codec = make(provider);
            String name = codec.name();
            try {
                checkName(name);
            } catch (IllegalArgumentException e) {
                throw new CodecException(String.valueOf(name), "Value codec " + describe(codec)
                        + " has an invalid name: " + e.getMessage(), e);
            }
            ValueCodec<?> earlier = codecs.putIfAbsent(name, codec);
            if (earlier != null) {
                throw new CodecException(name, "Two value codecs are named '" + name + "': " + describe(earlier)
                        + " and " + describe(codec) + "; remove one of them from the module path or class path");
            }
            byName.put(name, provider);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static String describe(ValueCodec<?> codec) {
        Module module = codec.getClass().getModule();
        return codec.getClass().getName() + (module.isNamed() ? " (module " + module.getName() + ")" : "");
    }

    private static String hint(String name) {
        if (name.equals("json")) {
            return "Add the io.viperdb:viper-codec-json jar (module io.viperdb.codec.json)";
        }
        if (name.startsWith("kryo")) {
            return "Add the io.viperdb:viper-codec-kryo jar (module io.viperdb.codec.kryo)"
                    + (name.equals("kryo") ? "" : ", and pass the codec instance with StoreOptions.builder().codec(...)");
        }
        return "A codec that is not registered as a service can be passed with StoreOptions.builder().codec(...)";
    }
}
