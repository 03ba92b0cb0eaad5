package io.viperdb.bench.lifecycle;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreOptions;
import io.viperdb.bench.ChildJvm;
import io.viperdb.bench.JvmFlags;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.DiskUsage;
import io.viperdb.bench.workload.Workload;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ViperDB's {@code reclaim()} alone, as the lifecycle harness sets it up (every key written in key order, then
 * overwritten once in a random order, the store closed and reopened) but without the other stores and
 * measurements, with the disk's sequential write rate measured right after it ({@link SequentialWrite}), so that a
 * change to reclaim can be judged in minutes:
 *
 * <pre>
 * java -cp viper-bench/target/viper-bench-0.1.0-SNAPSHOT.jar io.viperdb.bench.lifecycle.ReclaimHarness \
 *      KEYS VALUE_SIZE RUNS DATA_DIR [CLASS_PATH...]
 * </pre>
 *
 * Each run is a fresh JVM per class path (this jar's when none is given), taken in turn, so that two builds are
 * compared on a machine whose load changes: before and after a change, interleaved. Extra JVM flags for the children
 * (a flight recording) go in the system property {@code reclaim.harness.flags}, separated by spaces.
 */
public final class ReclaimHarness {

    private static final int WARM_UP_KEYS = 20_000;

    private ReclaimHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Paths.get(args[3]));
            return;
        }
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: ReclaimHarness KEYS VALUE_SIZE RUNS DATA_DIR [CLASS_PATH...]");
        }
        int keys = Integer.parseInt(args[0]);
        int valueSize = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path data = Files.createDirectories(Paths.get(args[3]).toAbsolutePath());
        List<String> classPaths = args.length > 4 ? List.of(args).subList(4, args.length)
                : List.of(System.getProperty("java.class.path"));
        String extra = System.getProperty("reclaim.harness.flags", "").trim();
        List<String> flags = extra.isEmpty() ? List.of() : List.of(extra.split(" +"));
        List<Map<String, List<Double>>> all = new ArrayList<>();
        classPaths.forEach(cp -> all.add(new LinkedHashMap<>()));
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < classPaths.size(); i++) {
                Path directory = data.resolve("viper-reclaim-harness");
                Directories.delete(directory);
                try {
                    for (Map.Entry<String, Double> e : runChild(classPaths.get(i), flags, keys, valueSize, directory)
                            .entrySet()) {
                        all.get(i).computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    }
                } finally {
                    Directories.delete(directory);
                }
            }
        }
        System.out.printf("%,d keys, %d-byte values, %d run(s) each: median [all]%n", keys, valueSize, runs);
        for (int i = 0; i < classPaths.size(); i++) {
            System.out.println(classPaths.get(i));
            all.get(i).forEach((name, values) -> {
                double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("  %-24s %10.3f   %s%n", name, sorted[sorted.length / 2], values);
            });
        }
    }

    private static Map<String, Double> runChild(String classPath, List<String> flags, int keys, int valueSize,
            Path directory) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.HEAP);
        command.addAll(flags);
        command.addAll(List.of("-cp", classPath, ReclaimHarness.class.getName(), "child", Integer.toString(keys),
                Integer.toString(valueSize), directory.toString()));
        return ChildJvm.run(command, "  ", "the child");
    }

    private static KeyValueStore<byte[]> open(Path directory) {
        return KeyValueStore.open(directory, StoreOptions.builder().codec(BytesCodec.NAME).build());
    }

    private static void child(int keys, int valueSize, Path directory) throws IOException {
        Path warm = directory.resolveSibling(directory.getFileName() + "-warm-up");
        Directories.delete(warm);
        try {
            fillAndOverwrite(new Workload(WARM_UP_KEYS, valueSize), warm);
            try (KeyValueStore<byte[]> store = open(warm)) {
                store.reclaim();
            }
        } finally {
            Directories.delete(warm);
        }
        Workload workload = new Workload(keys, valueSize);
        fillAndOverwrite(workload, directory);
        long before = DiskUsage.apparent(directory);
        ReclaimResult result;
        double reclaimMillis;
        try (KeyValueStore<byte[]> store = open(directory)) {
            long start = System.nanoTime();
            result = store.reclaim();
            reclaimMillis = (System.nanoTime() - start) / 1e6;
        }
        long after = DiskUsage.apparent(directory);
        double sequentialMillis = SequentialWrite.millis(directory.resolveSibling("sequential-write.tmp"), after);
        try (KeyValueStore<byte[]> store = open(directory)) {
            for (int i = 0; i < keys; i += Math.max(1, keys / 1000)) {
                if (!Arrays.equals(workload.value(i, 1), store.get(Workload.keyText(i)))) {
                    throw new IllegalStateException("wrong value for key " + i + " after the reclaim");
                }
            }
        }
        report("reclaim.millis", reclaimMillis);
        System.out.printf("reclaim: %,d -> %,d bytes, %,d records kept%n", before, after, result.recordsKept());
        report("reclaim.mib.s", after / (double) (1 << 20) / (reclaimMillis / 1e3));
        report("sequential.mib.s", after / (double) (1 << 20) / (sequentialMillis / 1e3));
        report("fraction", sequentialMillis / reclaimMillis);
    }

    private static void fillAndOverwrite(Workload workload, Path directory) {
        try (KeyValueStore<byte[]> store = open(directory)) {
            for (int i = 0; i < workload.keyCount(); i++) {
                store.put(Workload.keyText(i), workload.value(i, 0));
            }
            for (int i : workload.shuffledOrder()) {
                store.put(Workload.keyText(i), workload.value(i, 1));
            }
        }
    }

    private static void report(String name, double value) {
        ChildJvm.report(name, value);
    }
}
