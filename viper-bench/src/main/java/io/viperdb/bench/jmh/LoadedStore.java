package io.viperdb.bench.jmh;

import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.Loading;
import io.viperdb.bench.store.StoreAdapter;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A store filled with every key of the workload, in key order, once per trial (per forked JVM), and deleted after
 * it. The fill is not measured here ({@link FillBenchmark} measures it); a sample of keys is read back before any
 * measurement, so a store that lost writes fails the trial rather than reporting fast reads of nothing.
 */
@State(Scope.Benchmark)
public class LoadedStore {

    /** Which store; the launcher sets the list. */
    @Param({"viper", "rocksdb", "lmdb", "chronicle", "mvstore", "mapdb"})
    public String store;

    /** The size of every value in bytes. */
    @Param({"100", "1024"})
    public int valueSize;

    /** The number of keys. */
    @Param({"1000000"})
    public int keyCount;

    Workload workload;
    Key[] keys;
    int[] uniform;
    int[] zipfian;
    StoreAdapter adapter;
    private Path directory;

    @Setup(Level.Trial)
    public void fill() {
        workload = new Workload(keyCount, valueSize);
        keys = workload.keys();
        uniform = workload.uniformSequence();
        zipfian = workload.zipfianSequence();
        directory = Directories.fresh(store);
        adapter = Stores.create(store);
        adapter.open(directory, Loading.shapeOf(workload));
        Key[] all = keys;
        Loading.write(adapter, workload, i -> all[i], Loading.keyOrder(keyCount), 0);
        adapter.flush();
        Loading.verify(adapter, workload, i -> all[i], 0, 1000);
    }

    @TearDown(Level.Trial)
    public void delete() {
        try {
            if (adapter != null) {
                adapter.close();
            }
        } finally {
            Directories.delete(directory);
        }
    }
}
