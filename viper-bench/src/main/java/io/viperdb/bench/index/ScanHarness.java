package io.viperdb.bench.index;

import io.viperdb.ByteKeyStore;
import io.viperdb.Cursor;
import io.viperdb.Direction;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.bench.ChildJvm;
import io.viperdb.bench.HeapUse;
import io.viperdb.bench.JvmFlags;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.workload.Workload;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The ordered index's figures (issue 13's targets): with {@code KEYS} random 16-byte keys and 100-byte values, each
 * phase in a fresh JVM, and each write phase twice per run, with the ordered index and without it (the engine's
 * {@code -Dviperdb.orderedKeys=false}, whose scans sort the keys each time), alternating which goes first:
 * <ul>
 *   <li>{@code write}: fills an empty store (one {@code put} per key, through the byte-key face, in random order, then
 *       {@code flush}), overwrites every key in another random order, and measures the heap per key after GC against
 *       the heap before the store was opened (the two modes' difference is what the ordered index holds per key);
 *       then closes, which saves the index file;</li>
 *   <li>{@code reopen}: opens the store from its index file and reads a key, then again with the index file
 *       deleted (a replay of the key logs, and in the ordered mode one sort of the keys);</li>
 *   <li>{@code scan} (ordered only): prefix scans of a random first byte (about {@code KEYS} / 256 keys each), with
 *       and without reading the values; the first entry of a range from a random key; a full ordered pass over every
 *       key, and the same in reverse.</li>
 * </ul>
 *
 * <pre>
 * java -cp viper-bench/target/viper-bench-0.1.0-SNAPSHOT.jar io.viperdb.bench.index.ScanHarness KEYS [RUNS]
 * </pre>
 */
public final class ScanHarness {

    private static final int VALUE_SIZE = 100;
    private static final long SEED = 13;
    private static final int PREFIX_SCANS = 64;
    private static final int FIRST_ENTRIES = 20_000;
    private static final int FULL_PASSES = 3;
    /** The measuring thread's CPU time, which other processes on a shared machine disturb less than the clock. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The CPU times of the last {@link #prefixScans}, in milliseconds. */
    private static double[] lastCpu;

    private ScanHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && List.of("write", "reopen", "scan").contains(args[0])) {
            child(args[0], Integer.parseInt(args[1]), Paths.get(args[2]));
            return;
        }
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: ScanHarness KEYS [RUNS]");
        }
        int keys = Integer.parseInt(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path data = Paths.get("viper-bench", "target", "scan-data").toAbsolutePath();
        Map<String, List<Double>> all = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            List<Boolean> modes = run % 2 == 0 ? List.of(true, false) : List.of(false, true);
            for (boolean ordered : modes) {
                Path directory = data.resolve(ordered ? "ordered" : "unordered");
                Directories.delete(directory);
                String suffix = ordered ? ".ordered" : ".unordered";
                try {
                    for (String phase : ordered ? List.of("write", "reopen", "scan") : List.of("write", "reopen")) {
                        runChild(phase, ordered, keys, directory)
                                .forEach((name, value) -> all.computeIfAbsent(name + suffix, k -> new ArrayList<>())
                                        .add(value));
                    }
                } finally {
                    Directories.delete(directory);
                }
            }
        }
        System.out.printf("%,d random 16-byte keys, %d-byte values, %d run(s): median [all]%n", keys, VALUE_SIZE,
                runs);
        all.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            double[] sorted = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("  %-34s %14.2f   %s%n", e.getKey(), sorted[sorted.length / 2], e.getValue());
        });
    }

    private static Map<String, Double> runChild(String phase, boolean ordered, int keys, Path directory)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.HEAP);
        if (!ordered) {
            command.add("-Dviperdb.orderedKeys=false");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ScanHarness.class.getName());
        command.addAll(List.of(phase, Integer.toString(keys), directory.toString()));
        return ChildJvm.run(command, "  [" + phase + (ordered ? "" : ", unordered") + "] ", phase);
    }

    private static void child(String phase, int count, Path directory) {
        byte[][] keys = keys(count);
        switch (phase) {
            case "write" -> write(keys, directory);
            case "reopen" -> reopen(keys, directory);
            default -> scan(keys, directory);
        }
    }

    /** {@code count} distinct random keys of 16 bytes, the same in every JVM. */
    private static byte[][] keys(int count) {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[][] keys = new byte[count][16];
        for (byte[] key : keys) {
            for (int i = 0; i < 16; i += 8) {
                long bits = random.nextLong();
                for (int b = 0; b < 8; b++) {
                    key[i + b] = (byte) (bits >>> (8 * b));
                }
            }
        }
        return keys;
    }

    private static KeyValueStore<byte[]> open(Path directory) {
        return KeyValueStore.open(directory, StoreOptions.builder().codec(BytesCodec.NAME).build());
    }

    private static byte[] value(int i, int generation) {
        byte[] value = new byte[VALUE_SIZE];
        Arrays.fill(value, (byte) (i + generation));
        return value;
    }

    private static int[] shuffled(int count, long seed) {
        return Workload.permutation(count, seed);
    }

    private static void write(byte[][] keys, Path directory) {
        int[] fillOrder = shuffled(keys.length, 1);
        int[] overwriteOrder = shuffled(keys.length, 2);
        byte[][] values = {value(1, 0), value(2, 0)};
        long heapBefore = HeapUse.afterGc();
        try (KeyValueStore<byte[]> store = open(directory)) {
            ByteKeyStore<byte[]> raw = store.byteKeys();
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            for (int i : fillOrder) {
                raw.put(keys[i], values[0]);
            }
            store.flush();
            report("fill.puts.per.s", keys.length / secondsSince(start));
            report("fill.cpu.nanos.per.put", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / keys.length);
            start = System.nanoTime();
            cpu = THREADS.getCurrentThreadCpuTime();
            for (int i : overwriteOrder) {
                raw.put(keys[i], values[1]);
            }
            store.flush();
            report("overwrite.puts.per.s", keys.length / secondsSince(start));
            report("overwrite.cpu.nanos.per.put", (double) (THREADS.getCurrentThreadCpuTime() - cpu) / keys.length);
            report("heap.per.key", (double) (HeapUse.afterGc() - heapBefore) / keys.length);
        }
    }

    private static void reopen(byte[][] keys, Path directory) {
        // Warm up: the same opens, twice, before the timed ones.
        double fromFile = 0;
        double rebuilt = 0;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            try (KeyValueStore<byte[]> store = open(directory)) {
                store.byteKeys().get(keys[0]);
                fromFile = millisSince(start);
            }
            try {
                Files.deleteIfExists(directory.resolve("viper.index"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            start = System.nanoTime();
            try (KeyValueStore<byte[]> store = open(directory)) {
                store.byteKeys().get(keys[0]);
                rebuilt = millisSince(start);
            }
        }
        report("reopen.from.index.file.millis", fromFile);
        report("reopen.replayed.millis", rebuilt);
    }

    private static void scan(byte[][] keys, Path directory) {
        try (KeyValueStore<byte[]> store = open(directory)) {
            ByteKeyStore<byte[]> raw = store.byteKeys();
            SplittableRandom random = new SplittableRandom(7);
            long sink = 0;
            // Warm up every scan form first.
            for (int round = 0; round < 2; round++) {
                sink += prefixScans(raw, random, false, new double[PREFIX_SCANS]);
                sink += prefixScans(raw, random, true, new double[PREFIX_SCANS]);
                sink += firstEntries(raw, keys, random, new double[1]);
            }
            double[] millis = new double[PREFIX_SCANS];
            long found = prefixScans(raw, random, false, millis);
            report("prefix.scan.keys", (double) found / PREFIX_SCANS);
            report("prefix.scan.millis", median(millis));
            report("prefix.scan.cpu.millis", median(lastCpu));
            prefixScans(raw, random, true, millis);
            report("prefix.scan.with.values.millis", median(millis));
            report("prefix.scan.with.values.cpu.millis", median(lastCpu));
            double[] micros = new double[1];
            sink += firstEntries(raw, keys, random, micros);
            report("first.entry.micros", micros[0]);
            for (Direction direction : Direction.values()) {
                double[] passes = new double[FULL_PASSES];
                double[] cpu = new double[FULL_PASSES];
                for (int p = 0; p < FULL_PASSES; p++) {
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    long start = System.nanoTime();
                    long n = 0;
                    try (Cursor<byte[], byte[]> cursor = raw.scan(KeyRange.all(), direction)) {
                        while (cursor.hasNext()) {
                            sink += cursor.next().getKey().length;
                            n++;
                        }
                    }
                    passes[p] = millisSince(start);
                    cpu[p] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6;
                    if (n != keys.length) {
                        throw new IllegalStateException("a full pass found " + n + " keys of " + keys.length);
                    }
                }
                report("full.pass." + direction.name().toLowerCase() + ".millis", median(passes));
                report("full.pass." + direction.name().toLowerCase() + ".cpu.millis", median(cpu));
            }
            if (sink == 42) {
                System.out.println();
            }
        }
    }

    /** Scans of a random one-byte prefix; each one's time in {@code millis}; returns the keys found. */
    private static long prefixScans(ByteKeyStore<byte[]> raw, SplittableRandom random, boolean values,
            double[] millis) {
        double[] cpuMillis = new double[millis.length];
        long found = 0;
        for (int i = 0; i < millis.length; i++) {
            byte[] prefix = {(byte) random.nextInt(256)};
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            try (Cursor<byte[], byte[]> cursor = raw.scan(KeyRange.prefix(prefix))) {
                while (cursor.hasNext()) {
                    Map.Entry<byte[], byte[]> entry = cursor.next();
                    if (values && entry.getValue().length != VALUE_SIZE) {
                        throw new IllegalStateException("a value of " + entry.getValue().length + " bytes");
                    }
                    found++;
                }
            }
            millis[i] = millisSince(start);
            cpuMillis[i] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
        }
        lastCpu = cpuMillis;
        return found;
    }

    /** The mean time to open a scan from a random key and take its first entry's key, in {@code micros[0]}. */
    private static long firstEntries(ByteKeyStore<byte[]> raw, byte[][] keys, SplittableRandom random,
            double[] micros) {
        long sink = 0;
        byte[][] starts = new byte[FIRST_ENTRIES][];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = keys[random.nextInt(keys.length)].clone();
            starts[i][15] ^= 1;
        }
        long start = System.nanoTime();
        for (byte[] from : starts) {
            try (Cursor<byte[], byte[]> cursor = raw.scan(KeyRange.from(from))) {
                if (cursor.hasNext()) {
                    sink += cursor.next().getKey()[0];
                }
            }
        }
        micros[0] = (System.nanoTime() - start) / 1e3 / starts.length;
        return sink;
    }

    private static double median(double[] values) {
        return IndexHarness.median(values);
    }

    private static double secondsSince(long startNanos) {
        return IndexHarness.millisSince(startNanos) / 1e3;
    }

    private static double millisSince(long startNanos) {
        return IndexHarness.millisSince(startNanos);
    }

    private static void report(String name, double value) {
        ChildJvm.report(name, value);
    }
}
