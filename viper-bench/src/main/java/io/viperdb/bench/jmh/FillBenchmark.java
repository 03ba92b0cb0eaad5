package io.viperdb.bench.jmh;

import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.Loading;
import io.viperdb.bench.store.StoreAdapter;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The time to fill an empty store with every key, in key order, in batches, ending with {@link StoreAdapter#flush()}
 * (so the writes would survive a crash of the process). One fill per iteration, into a store opened just before it
 * and deleted just after it, neither timed. The report turns the time into puts per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FillBenchmark {

    @Param({"viper", "rocksdb", "lmdb", "chronicle", "mvstore", "mapdb"})
    public String store;

    @Param({"100", "1024"})
    public int valueSize;

    @Param({"1000000"})
    public int keyCount;

    private Workload workload;
    private Key[] keys;
    private int[] keyOrder;
    private StoreAdapter adapter;
    private Path directory;

    @Setup(Level.Trial)
    public void prepare() {
        workload = new Workload(keyCount, valueSize);
        keys = workload.keys();
        keyOrder = Loading.keyOrder(keyCount);
    }

    @Setup(Level.Iteration)
    public void openEmpty() {
        directory = Directories.fresh(store + "-fill");
        adapter = Stores.create(store);
        adapter.open(directory, Loading.shapeOf(workload));
    }

    @Benchmark
    public void fill() {
        Key[] all = keys;
        Loading.write(adapter, workload, i -> all[i], keyOrder, 0);
        adapter.flush();
    }

    @TearDown(Level.Iteration)
    public void checkAndDelete() {
        try {
            Key[] all = keys;
            Loading.verify(adapter, workload, i -> all[i], 0, 1000);
            adapter.close();
        } finally {
            Directories.delete(directory);
        }
    }
}
