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
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The codecs on the module path and class path, by name.
 *
 * <p>Every lookup asks {@link ServiceLoader} afresh (opening a store is rare, and a fresh look sees codecs of layers
 * created since), and checks every provider: an invalid name or two providers with one name is a
 * {@link CodecException}, never a silent choice between them.
 */
public final class ValueCodecs {

    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private ValueCodecs() {
    }

    /** {@return the names of the codecs that {@link ServiceLoader} finds, sorted} */
    public static SortedSet<String> available() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byName(load()).keySet()));
    }

    /**
     * Returns a new instance of the codec called {@code name}.
     *
     * @param name the codec's name
     * @return a new instance of it
     * @throws UnknownCodecException if none has that name; its message lists the names available
     */
    public static ValueCodec<?> named(String name) {
        Map<String, ValueCodec<?>> codecs = byName(load());
        ValueCodec<?> codec = codecs.get(name);
        if (codec == null) {
            throw new UnknownCodecException(name, codecs.keySet(), hint(name));
        }
        return codec;
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

    private static List<ValueCodec<?>> load() {
        List<ValueCodec<?>> codecs = new ArrayList<>();
        try {
            for (ValueCodec<?> codec : ServiceLoader.load(ValueCodec.class)) {
                codecs.add(codec);
            }
        } catch (ServiceConfigurationError e) {
            throw new CodecException("?", "A value codec provider could not be loaded: " + e.getMessage(), e);
        }
        return codecs;
    }

    /** Indexes codecs by name, refusing invalid and duplicate names. */
    static Map<String, ValueCodec<?>> byName(Iterable<? extends ValueCodec<?>> codecs) {
        Map<String, ValueCodec<?>> byName = new LinkedHashMap<>();
        for (ValueCodec<?> codec : codecs) {
            String name = codec.name();
            try {
                checkName(name);
            } catch (IllegalArgumentException e) {
                throw new CodecException(String.valueOf(name), "Value codec " + describe(codec)
                        + " has an invalid name: " + e.getMessage(), e);
            }
            ValueCodec<?> earlier = byName.putIfAbsent(name, codec);
            if (earlier != null) {
                throw new CodecException(name, "Two value codecs are named '" + name + "': " + describe(earlier)
                        + " and " + describe(codec) + "; remove one of them from the module path or class path");
            }
        }
        return byName;
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
