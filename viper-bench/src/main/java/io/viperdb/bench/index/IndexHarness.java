package io.viperdb.bench.index;

import io.viperdb.bench.HeapUse;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.bench.ChildJvm;
import io.viperdb.bench.JvmFlags;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.workload.Workload;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ViperDB's own index figures, without the peers: the fill rate, the reopen time, the memory the open store holds per
 * key and the random read rate, each phase in a fresh JVM. The lifecycle harness of the full benchmark measures some
 * of these too, but always together with an overwrite and a compaction, which at 10,000,000 keys takes long.
 *
 * <pre>
 * java -cp viper-bench/target/viper-bench-0.1.0-SNAPSHOT.jar io.viperdb.bench.index.IndexHarness KEYS [VALUE_SIZE [RUNS [JVM_FLAG...]]]
 * </pre>
 *
 * Each run fills a new store (keys of {@link Workload}: 16 ASCII bytes, in key order, one {@code put} each, then
 * {@code close()}) in one JVM, then in a second JVM: opens a small store first so that the code is loaded and
 * compiled, then measures the heap after GC, opens the filled store and reads one key (the first reopen), the heap
 * after GC again (the difference per key is {@code heap.per.key}; direct buffers allocated meanwhile are added as
 * {@code direct.per.key}), then two more reopens ({@code reopen.median.millis} is the median of the three) and
 * three rounds of 1,048,576 random gets. A third JVM opens the store, overwrites a key, flushes and halts without
 * closing (what a SIGKILL leaves), and a fourth, warmed up the same way, opens it and reads a key
 * ({@code reopen.after.kill.millis}). The store files go under {@code viper-bench/target/index-data} and are
 * deleted afterwards. Extra arguments are given to both child JVMs (for example a flight recording).
 */
public final class IndexHarness {

    private static final int REOPENS = 3;
    private static final int GET_ROUNDS = 3;
    private static final int WARM_UP_KEYS = 20_000;

    private IndexHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && List.of("fill", "measure", "kill", "after-kill").contains(args[0])) {
            child(args);
            return;
        }
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: IndexHarness KEYS [VALUE_SIZE [RUNS [JVM_FLAG...]]]");
        }
        int keys = Integer.parseInt(args[0]);
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<String> flags = args.length > 3 ? List.of(args).subList(3, args.length) : List.of();
        Path data = Paths.get("viper-bench", "target", "index-data").toAbsolutePath();
        Map<String, List<Double>> all = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            Path directory = data.resolve("store");
            Directories.delete(directory);
            try {
                for (String phase : List.of("fill", "measure", "kill", "after-kill")) {
                    for (Map.Entry<String, Double> e : runChild(flags, phase, keys, valueSize, directory).entrySet()) {
                        all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    }
                }
            } finally {
                Directories.delete(directory);
            }
        }
        System.out.printf("%,d keys, %d-byte values, %d run(s): median [all]%n", keys, valueSize, runs);
        all.forEach((name, values) -> {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("  %-22s %14.1f   %s%n", name, sorted[sorted.length / 2], values);
        });
    }

    private static Map<String, Double> runChild(List<String> flags, String phase, int keys, int valueSize,
            Path directory) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.HEAP);
        command.addAll(flags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(IndexHarness.class.getName());
        command.addAll(List.of(phase, Integer.toString(keys), Integer.toString(valueSize), directory.toString()));
        return ChildJvm.run(command, "  [" + phase + "] ", phase);
    }

    private static void child(String[] args) throws Exception {
        int keys = Integer.parseInt(args[1]);
        Workload workload = new Workload(keys, Integer.parseInt(args[2]));
        Path directory = Paths.get(args[3]);
        switch (args[0]) {
            case "fill" -> fill(workload, directory);
            case "measure" -> measure(workload, directory);
            case "kill" -> kill(workload, directory);
            default -> afterKill(workload, directory);
        }
    }

    private static KeyValueStore<byte[]> open(Path directory) {
        return KeyValueStore.open(directory, StoreOptions.builder().codec(BytesCodec.NAME).build());
    }

    private static void fill(Workload workload, Path directory) {
        try (KeyValueStore<byte[]> store = open(directory)) {
            long start = System.nanoTime();
            for (int i = 0; i < workload.keyCount(); i++) {
                store.put(Workload.keyText(i), workload.value(i, 0));
            }
            store.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            report("fill.puts.per.s", workload.keyCount() / seconds);
        }
    }

    /**
     * Opens the store, overwrites a key, flushes and halts without closing: what a SIGKILL leaves (the write is in the
     * files, the store was never closed).
     */
    private static void kill(Workload workload, Path directory) {
        KeyValueStore<byte[]> store = open(directory);
        store.put(Workload.keyText(0), workload.value(0, 0));
        store.flush();
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Times the open (and a first read) of a store whose process was killed, in a JVM warmed up as for a reopen. */
    private static void afterKill(Workload workload, Path directory) {
        warmUp(workload.valueSize());
        long start = System.nanoTime();
        try (KeyValueStore<byte[]> store = open(directory)) {
            check(store, workload, 0);
            report("reopen.after.kill.millis", millisSince(start));
        }
    }

    private static void measure(Workload workload, Path directory) {
        warmUp(workload.valueSize());
        String first = Workload.keyText(0);
        long heapBefore = HeapUse.afterGc();
        long directBefore = directBytes();
        long start = System.nanoTime();
        KeyValueStore<byte[]> store = open(directory);
        check(store, workload, 0);
        double[] reopens = new double[REOPENS];
        reopens[0] = millisSince(start);
        double[] cpu = new double[REOPENS];
        cpu[0] = Double.NaN;
        long heapAfter = HeapUse.afterGc();
        long directAfter = directBytes();
        report("reopen.first.millis", reopens[0]);
        report("heap.per.key", (double) (heapAfter - heapBefore) / workload.keyCount());
        report("direct.per.key", (double) (directAfter - directBefore) / workload.keyCount());
        store.close();
        for (int i = 1; i < REOPENS; i++) {
            long cpuStart = processCpuNanos();
            start = System.nanoTime();
            store = open(directory);
            store.get(first);
            reopens[i] = millisSince(start);
            cpu[i] = (processCpuNanos() - cpuStart) / 1e6;
            if (i < REOPENS - 1) {
                store.close();
            }
        }
        report("reopen.median.millis", median(reopens));
        System.out.println("reopens (ms): " + Arrays.toString(reopens) + ", process CPU (ms) of the later ones: "
                + Arrays.toString(cpu));
        report("reopen.cpu.millis", Math.min(cpu[1], cpu[2]));

        String[] sequence = new String[1 << 20];
        SplittableRandom random = new SplittableRandom(42);
        int[] indexes = new int[sequence.length];
        for (int i = 0; i < sequence.length; i++) {
            indexes[i] = random.nextInt(workload.keyCount());
            sequence[i] = Workload.keyText(indexes[i]);
        }
        double[] rates = new double[GET_ROUNDS];
        double[] cpuPerGet = new double[GET_ROUNDS];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < GET_ROUNDS; round++) {
            start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (String key : sequence) {
                sink += store.get(key).length;
            }
            cpuPerGet[round] = (double) (threads.getCurrentThreadCpuTime() - cpuStart) / sequence.length;
            rates[round] = sequence.length / ((System.nanoTime() - start) / 1e9);
        }
        // The reading thread's CPU time per get, which other processes on a shared machine disturb less than the rate.
        report("get.cpu.nanos", median(cpuPerGet));
        for (int i = 0; i < 1000; i++) {
            check(store, workload, indexes[i]);
        }
        report("get.per.s", median(rates));
        store.close();
        if (sink == 42) {
            System.out.println();
        }
    }

    private static void check(KeyValueStore<byte[]> store, Workload workload, int index) {
        check(store, workload, index, 0);
    }

    private static void check(KeyValueStore<byte[]> store, Workload workload, int index, int generation) {
        if (!Arrays.equals(store.get(Workload.keyText(index)), workload.value(index, generation))) {
            throw new IllegalStateException("wrong value for key " + Workload.keyText(index));
        }
    }

    /** Loads and compiles the store's code on a small store of its own, used as the big one will be. */
    private static void warmUp(int valueSize) {
        Workload small = new Workload(WARM_UP_KEYS, valueSize);
        Path directory = Directories.fresh("index-warm-up");
        try {
            for (int round = 0; round < 3; round++) {
                try (KeyValueStore<byte[]> store = open(directory)) {
                    for (int i = 0; i < WARM_UP_KEYS; i++) {
                        store.put(Workload.keyText(i), small.value(i, round));
                    }
                }
                try (KeyValueStore<byte[]> store = open(directory)) {
                    for (int i = 0; i < WARM_UP_KEYS; i++) {
                        check(store, small, i, round);
                    }
                    if (round == 2) {
                        store.reclaim();
                    }
                }
            }
        } finally {
            Directories.delete(directory);
        }
    }

    /** Memory held by direct buffers (not mappings, which are files): any off-heap index memory shows here. */
    private static long directBytes() {
        long total = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                total += pool.getMemoryUsed();
            }
        }
        return total;
    }

    /** CPU time of the whole process (every thread, the collector's and compiler's too). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The median of {@code values} (the upper one of an even count); also {@link ScanHarness}'s. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Milliseconds since {@code startNanos} of {@link System#nanoTime()}; also {@link ScanHarness}'s. */
    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static void report(String name, double value) {
        ChildJvm.report(name, value);
    }
}
