package io.viperdb.bench.lifecycle;

import io.viperdb.bench.HeapUse;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.DiskUsage;
import io.viperdb.bench.store.Loading;
import io.viperdb.bench.store.StoreAdapter;
import io.viperdb.bench.store.StoreShape;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Key;
import io.viperdb.bench.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/**
 * The measurements that are not throughput, run in child JVMs for one store and value size, in phases, each in a
 * fresh JVM (see {@link Lifecycle}):
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
 *   <li>{@code kill}: opens the store as {@code measure} left it (closed cleanly), overwrites
 *       {@value #WRITES_BEFORE_KILL} keys spread evenly over the key space with new values, in batches, and calls the
 *       store's {@link StoreAdapter#flush() flush} (which makes earlier writes survive a crash of the process); then
 *       prints {@link #READY_TO_BE_KILLED} and waits, without closing the store, for the parent to kill it with
 *       SIGKILL. So the kill finds the store open, with recent writes that it promised to keep and no close to tidy
 *       up after them: what a crash of the process leaves, with the least a store could have to recover.
 *   <li>{@code after-kill}: warms up like {@code measure}, then opens the killed store and reads one key of those
 *       written before the kill (the reopen time after a kill, one open: only the first open after a kill recovers);
 *       then checks every key written before the kill and a sample of the others. If the open throws or a value is
 *       wrong, prints a line {@link #NOT_RECOVERED} with the reason instead of the figure and exits normally: a store
 *       that does not recover is a finding, not a failure of the harness.
 *   <li>{@code reopen}: warms up like {@code measure}, then opens a filled store and reads one key, three times, and
 *       reports the median as the reopen time; checks a sample of values after the first open. With {@code fill}
 *       before it, this is the reopen at a second, larger key count, which needs no overwrite or compaction.
 * </ol>
 *
 * Results are printed on standard output as lines {@code RESULT name value}, with the names of
 * {@link LifecycleResult}.
 */
public final class LifecycleRun {

    static final String RESULT_PREFIX = "RESULT ";
    static final String FILL = "fill";
    static final String MEASURE = "measure";
    static final String KILL = "kill";
    static final String AFTER_KILL = "after-kill";
    static final String REOPEN = "reopen";

    /** The line the {@code kill} phase prints when its writes are flushed and it is ready to be killed. */
    static final String READY_TO_BE_KILLED = "READY TO BE KILLED";
    /** The start of the line, followed by the reason, that says the store did not recover from the kill. */
    static final String NOT_RECOVERED = "NOT RECOVERED ";

    /**
     * The keys the {@code kill} phase overwrites before it is killed: a few batches, as a process that was writing
     * when it died leaves behind, and few enough that the open after the kill recovers a tail, not a store.
     */
    public static final int WRITES_BEFORE_KILL = 5_000;
    /** The write generation of the values written before the kill: the fill wrote 0, the overwrite 1. */
    private static final int GENERATION_BEFORE_KILL = 2;

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

    /** Arguments: phase (see the class comment), store name, key count, value size, store directory. */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: fill|measure|kill|after-kill|reopen STORE KEYS VALUE_SIZE "
                    + "DIRECTORY; was " + Arrays.toString(args));
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
            case KILL:
                run.writeAndAwaitKill();
                break;
            case AFTER_KILL:
                run.openAfterKill();
                break;
            case REOPEN:
                run.reopen();
                break;
            default:
                throw new IllegalArgumentException("Unknown phase '" + args[0]
                        + "': use fill, measure, kill, after-kill or reopen");
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
        report(LifecycleResult.REOPEN_MILLIS, median(reopens));

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

    /** The {@code kill} phase: see the class comment. Never returns: the process is killed, or halts. */
    private void writeAndAwaitKill() throws IOException {
        StoreAdapter store = open();
        Loading.write(store, workload, workload::key, writtenBeforeKill(), GENERATION_BEFORE_KILL);
        store.flush();
        System.out.println(READY_TO_BE_KILLED);
        System.out.flush();
        // Waits for the SIGKILL. Should the parent die first, its end of the pipe closes and read returns -1: then
        // this process ends too, as abruptly, rather than outlive the harness.
        while (System.in.read() != -1) {
            // nothing is sent; anything that is, is ignored
        }
        Runtime.getRuntime().halt(1);
    }

    /** The {@code after-kill} phase: see the class comment. */
    private void openAfterKill() {
        warmUp();
        int[] written = writtenBeforeKill();
        Key first = workload.key(written[0]);
        StoreAdapter store = Stores.create(storeName);
        long start = System.nanoTime();
        try {
            store.open(directory, shape());
            store.get(first); // its value is checked below, with the others written before the kill
        } catch (RuntimeException e) {
            notRecovered("opening after the kill threw " + e, e);
            return; // not reached
        }
        double millis = millisSince(start);
        try {
            for (int index : written) {
                Loading.check(store, workload, workload.key(index), index, GENERATION_BEFORE_KILL);
            }
            int step = Math.max(1, workload.keyCount() / SAMPLES);
            for (int index = 0; index < workload.keyCount(); index += step) {
                Loading.check(store, workload, workload.key(index), index, generationAfterKill(index));
            }
        } catch (RuntimeException e) {
            notRecovered("after the kill, " + e.getMessage(), e);
            return; // not reached
        }
        report(LifecycleResult.REOPEN_AFTER_KILL_MILLIS, millis);
        store.close();
    }

    /**
     * The keys the {@code kill} phase overwrites, in the order it writes them: {@value #WRITES_BEFORE_KILL} (or every
     * key of a smaller store) evenly spread over the key space, key 0 first.
     */
    private int[] writtenBeforeKill() {
        int count = Math.min(WRITES_BEFORE_KILL, workload.keyCount());
        int step = workload.keyCount() / count;
        int[] written = new int[count];
        Arrays.setAll(written, i -> i * step);
        return written;
    }

    /** The generation of the value key {@code index} holds after the kill phase. */
    private int generationAfterKill(int index) {
        int count = Math.min(WRITES_BEFORE_KILL, workload.keyCount());
        int step = workload.keyCount() / count;
        return index % step == 0 && index / step < count ? GENERATION_BEFORE_KILL : 1;
    }

    /**
     * Tells the parent that the store did not recover, and why, with the stack trace for the log, and ends the
     * process. The store is not closed: one that failed to open may hold half-made resources, and threads it started
     * could keep the JVM from exiting.
     */
    private static void notRecovered(String reason, RuntimeException e) {
        e.printStackTrace(System.out);
        // One line: the parent reads the reason up to the end of the line.
        System.out.println(NOT_RECOVERED + reason.replaceAll("\\s+", " "));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** The {@code reopen} phase: see the class comment. */
    private void reopen() {
        warmUp();
        double[] reopens = new double[REOPENS];
        for (int i = 0; i < REOPENS; i++) {
            long start = System.nanoTime();
            StoreAdapter store = open();
            store.get(workload.key(0));
            reopens[i] = millisSince(start);
            if (i == 0) {
                Loading.verify(store, workload, workload::key, 0, SAMPLES);
            }
            store.close();
        }
        report(LifecycleResult.REOPEN_MILLIS, median(reopens));
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

    /** The median of an odd number of figures. */
    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static void report(String name, double value) {
        System.out.println(RESULT_PREFIX + name + " " + value);
    }
}
