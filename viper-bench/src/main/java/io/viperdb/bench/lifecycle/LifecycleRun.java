package io.viperdb.bench.lifecycle;

import io.viperdb.bench.HeapUse;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.DiskUsage;
import io.viperdb.bench.store.Loading;
import io.viperdb.bench.store.StoreAdapter;
import io.viperdb.bench.store.StoreShape;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * The measurements that are not throughput, run in a child JVM of their own for one store and value size, in two
 * phases, each in a fresh JVM (see {@link Lifecycle}):
 *
 * <ol>
 *   <li>{@code fill}: fills an empty store in key order, flushes and closes it; prints the time and the disk space.
 *   <li>{@code measure}: first opens, uses, compacts and closes a small store elsewhere, so that classes and native
 *       libraries are loaded and the timings below are of the store's work, not of loading code. Then opens the
 *       filled store and reads one key (the reopen time), and compares the heap after a full GC, and the process's
 *       resident memory, before and after (the memory per key); checks a sample of values; closes it and reopens it
 *       twice more (the reported reopen time is the median of the three). Then overwrites every key once in a random
 *       order and closes (disk space), then compacts and closes (time and disk space), writes as many bytes as the
 *       compacted store holds to a file beside it and forces them ({@link SequentialWrite}, what the disk can do at
 *       that moment), and checks a sample of the new values.
 * </ol>
 *
 * Results are printed on standard output as lines {@code RESULT name value}, with the names of
 * {@link LifecycleResult}.
 */
public final class LifecycleRun {

    static final String RESULT_PREFIX = "RESULT ";
    static final String FILL = "fill";
    static final String MEASURE = "measure";

    private static final int REOPENS = 3;
    private static final int WARM_UP_KEYS = 2_000;
    private static final int SAMPLES = 1_000;

    private final String storeName;
    private final Workload workload;
    private final Path directory;

    private LifecycleRun(String storeName, Workload workload, Path directory) {
        this.storeName = storeName;
        this.workload = workload;
        this.directory = directory;
    }

    /** Arguments: phase ({@code fill} or {@code measure}), store name, key count, value size, store directory. */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: fill|measure STORE KEYS VALUE_SIZE DIRECTORY; was "
                    + Arrays.toString(args));
        }
        LifecycleRun run = new LifecycleRun(args[1],
                new Workload(Integer.parseInt(args[2]), Integer.parseInt(args[3])), Paths.get(args[4]));
        switch (args[0]) {
            case FILL:
                run.fill();
                break;
            case MEASURE:
                run.measure();
                break;
            default:
                throw new IllegalArgumentException("Unknown phase '" + args[0] + "': use fill or measure");
        }
    }

    private void fill() throws IOException {
        Files.createDirectories(directory);
        StoreAdapter store = Stores.create(storeName);
        store.open(directory, shape());
        long start = System.nanoTime();
        Loading.write(store, workload, workload::key, Loading.keyOrder(workload.keyCount()), 0);
        store.flush();
        report(LifecycleResult.FILL_MILLIS, millisSince(start));
        store.close();
        report(LifecycleResult.DISK_AFTER_FILL, DiskUsage.allocated(directory));
        report(LifecycleResult.APPARENT_AFTER_FILL, DiskUsage.apparent(directory));
    }

    private void measure() throws IOException {
        warmUp();

        double[] reopens = new double[REOPENS];
        long heapBefore = HeapUse.afterGc();
        long rssBefore = residentBytes();
        long start = System.nanoTime();
        StoreAdapter store = open();
        store.get(workload.key(0));
        reopens[0] = millisSince(start);
        long heapAfter = HeapUse.afterGc();
        long rssAfter = residentBytes();
        report(LifecycleResult.HEAP_PER_KEY, (double) (heapAfter - heapBefore) / workload.keyCount());
        if (rssBefore >= 0 && rssAfter >= 0) {
            report(LifecycleResult.RSS_PER_KEY, (double) (rssAfter - rssBefore) / workload.keyCount());
        }
        Loading.verify(store, workload, workload::key, 0, SAMPLES);
        store.close();
        for (int i = 1; i < REOPENS; i++) {
            start = System.nanoTime();
            store = open();
            store.get(workload.key(0));
            reopens[i] = millisSince(start);
            store.close();
        }
        Arrays.sort(reopens);
        report(LifecycleResult.REOPEN_MILLIS, reopens[REOPENS / 2]);

        store = open();
        start = System.nanoTime();
        Loading.write(store, workload, workload::key, workload.shuffledOrder(), 1);
        store.flush();
        report(LifecycleResult.OVERWRITE_MILLIS, millisSince(start));
        store.close();
        report(LifecycleResult.DISK_AFTER_OVERWRITE, DiskUsage.allocated(directory));

        store = open();
        start = System.nanoTime();
        boolean compacted = store.compact();
        double compactMillis = millisSince(start);
        store.close();
        if (compacted) {
            report(LifecycleResult.COMPACT_MILLIS, compactMillis);
            report(LifecycleResult.DISK_AFTER_COMPACT, DiskUsage.allocated(directory));
            long written = DiskUsage.apparent(directory);
            report(LifecycleResult.APPARENT_AFTER_COMPACT, written);
            // Named after the store, so that a run killed here leaves nothing Main does not clean up.
            report(LifecycleResult.SEQUENTIAL_WRITE_MILLIS, SequentialWrite.millis(
                    directory.resolveSibling(directory.getFileName() + "-sequential-write"), written));
        }

        store = open();
        Loading.verify(store, workload, workload::key, 1, SAMPLES);
        store.close();
    }

    /** Loads the store's classes and native code with a small store of its own, used the way the big one will be. */
    private void warmUp() {
        Workload small = new Workload(WARM_UP_KEYS, workload.valueSize());
        Path warmDirectory = Directories.fresh(storeName + "-warm-up");
        try {
            StoreAdapter store = Stores.create(storeName);
            StoreShape shape = Loading.shapeOf(small);
            store.open(warmDirectory, shape);
            Loading.write(store, small, small::key, Loading.keyOrder(WARM_UP_KEYS), 0);
            store.flush();
            store.close();
            store.open(warmDirectory, shape);
            Loading.write(store, small, small::key, small.shuffledOrder(), 1);
            store.compact();
            Loading.verify(store, small, small::key, 1, 100);
            store.close();
        } finally {
            Directories.delete(warmDirectory);
        }
    }

    private StoreAdapter open() {
        StoreAdapter store = Stores.create(storeName);
        store.open(directory, shape());
        return store;
    }

    private StoreShape shape() {
        return Loading.shapeOf(workload);
    }

    /** The process's resident set size from {@code /proc/self/status}, or -1 where there is none. */
    private static long residentBytes() {
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: no resident size to report.
        }
        return -1;
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static void report(String name, double value) {
        System.out.println(RESULT_PREFIX + name + " " + value);
    }
}
