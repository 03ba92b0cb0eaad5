package io.viperdb.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.viperdb.KeyValueStore;
import java.util.Collection;
import java.util.Map;

/** Checks a store's contents against a model, through every read method. */
public final class Contents {
    private Contents() {
    }

    public static <V> void assertHolds(Map<String, V> expected, KeyValueStore<V> store, Collection<String> universe,
            String context) {
        for (String key : universe) {
            assertEquals(expected.get(key), store.get(key), () -> context + ": get(\"" + key + "\")");
            assertEquals(expected.containsKey(key), store.containsKey(key),
                    () -> context + ": containsKey(\"" + key + "\")");
        }
        assertEquals(expected.size(), store.size(), () -> context + ": size()");
        assertEquals(expected.keySet(), store.keys(), () -> context + ": keys()");
    }
}
