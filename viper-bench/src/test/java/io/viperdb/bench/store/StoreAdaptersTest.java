package io.viperdb.bench.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every adapter stores what it is given, keeps it across a close and reopen, overwrites, compacts without losing
 * anything, and reports the space its files take: the life a store goes through in the benchmarks, on a few keys.
 */
class StoreAdaptersTest {

    private static final int KEYS = 2_500;

    static Iterable<String> stores() {
        return Stores.ALL;
    }

    @ParameterizedTest
    @MethodSource("stores")
    void storesReopensOverwritesAndCompacts(String name, @TempDir Path directory) {
        Workload workload = new Workload(KEYS, 100);
        StoreShape shape = Loading.shapeOf(workload);
        StoreAdapter store = Stores.create(name);
        assertEquals(name, store.name());

        store.open(directory, shape);
        Loading.write(store, workload, workload::key, Loading.keyOrder(KEYS), 0);
        Key single = workload.key(KEYS - 1);
        store.put(single, workload.value(KEYS - 1, 0));
        store.flush();
        assertNull(store.get(Key.of("key-not-there!!!")), "an absent key");
        Loading.verify(store, workload, workload::key, 0, KEYS);
        store.close();

        store = Stores.create(name);
        store.open(directory, shape);
        Loading.verify(store, workload, workload::key, 0, KEYS);
        Loading.write(store, workload, workload::key, workload.shuffledOrder(), 1);
        store.flush();
        boolean compacted = store.compact();
        assertEquals(!name.equals("chronicle"), compacted, "which stores have a compaction");
        Loading.verify(store, workload, workload::key, 1, KEYS);
        assertArrayEquals(workload.value(7, 1), store.get(workload.key(7)));
        store.close();

        store = Stores.create(name);
        store.open(directory, shape);
        Loading.verify(store, workload, workload::key, 1, KEYS);
        store.close();
        assertTrue(store.sizeOnDisk() >= (long) KEYS * 100 / 2, name + " takes " + store.sizeOnDisk() + " bytes");
        assertTrue(!store.configuration().isBlank());
    }
}
