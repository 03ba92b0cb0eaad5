package io.viperdb.bench.jmh;

import io.viperdb.bench.workload.Workload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads and writes on a filled store ({@link LoadedStore}), in operations per second. Every invocation does
 * {@link Workload#BATCH} operations, so the timer's own cost is spread over a thousand of them: reads are a thousand
 * independent gets, writes one batch of a thousand puts (see {@link io.viperdb.bench.store.StoreAdapter#putBatch}).
 * Keys come from sequences drawn before the trial, the same for every store.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(Workload.BATCH)
public class ReadWriteBenchmark {

    /** Random reads, every key equally likely. */
    @Benchmark
    public void readUniform(LoadedStore loaded, Cursor cursor, Blackhole blackhole) {
        for (int i = 0; i < Workload.BATCH; i++) {
            blackhole.consume(loaded.adapter.get(loaded.keys[cursor.next(loaded.uniform)]));
        }
    }

    /** Random reads, Zipfian (theta 0.99, hot keys scattered over the key space). */
    @Benchmark
    public void readZipfian(LoadedStore loaded, Cursor cursor, Blackhole blackhole) {
        for (int i = 0; i < Workload.BATCH; i++) {
            blackhole.consume(loaded.adapter.get(loaded.keys[cursor.next(loaded.zipfian)]));
        }
    }

    /** Random overwrites of existing keys, uniform, in batches. */
    @Benchmark
    public void overwrite(LoadedStore loaded, Cursor cursor) {
        cursor.nextBatch(loaded, loaded.uniform);
        loaded.adapter.putBatch(cursor.batchKeys, cursor.batchValues, Workload.BATCH);
    }

    /** One thread of the mixed workload: uniform random reads while {@link #mixedWrite} writes. */
    @Benchmark
    @Group("mixed")
    @GroupThreads(1)
    public void mixedRead(LoadedStore loaded, Cursor cursor, Blackhole blackhole) {
        for (int i = 0; i < Workload.BATCH; i++) {
            blackhole.consume(loaded.adapter.get(loaded.keys[cursor.next(loaded.uniform)]));
        }
    }

    /** The other thread of the mixed workload: uniform random overwrites in batches while {@link #mixedRead} reads. */
    @Benchmark
    @Group("mixed")
    @GroupThreads(1)
    public void mixedWrite(LoadedStore loaded, Cursor cursor) {
        cursor.nextBatch(loaded, loaded.uniform);
        loaded.adapter.putBatch(cursor.batchKeys, cursor.batchValues, Workload.BATCH);
    }
}
