package io.viperdb.bench;

import io.viperdb.bench.jmh.FillBenchmark;
import io.viperdb.bench.jmh.ReadWriteBenchmark;
import io.viperdb.bench.lifecycle.Lifecycle;
import io.viperdb.bench.lifecycle.LifecycleResult;
import io.viperdb.bench.report.Charts;
import io.viperdb.bench.report.Machine;
import io.viperdb.bench.report.MarkdownReport;
import io.viperdb.bench.report.Results;
import io.viperdb.bench.report.Throughput;
import io.viperdb.bench.report.Workloads;
import io.viperdb.bench.store.Directories;
import io.viperdb.bench.store.Stores;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every measurement and writes the report: the JMH benchmarks (fill, reads, overwrites, mixed), then the
 * lifecycle harness (reopen, disk space, compaction, memory, reopen after a kill), then the reopen of a second, larger
 * store at {@code --reopen-keys} keys (0: none), then {@code benchmarks.md} and {@code benchmarks.png}.
 *
 * <pre>
 * java -jar viper-bench/target/viper-bench-VERSION.jar [--quick] [--out DIR] [--data DIR] [--note TEXT]
 *      [--stores viper,rocksdb,...] [--value-sizes 100,1024] [--keys N] [--reopen-keys N]
 * </pre>
 *
 * {@code ./bench.sh} at the repository root builds the module and runs this with the right directories.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true"); // the chart is drawn without a display
        Arguments arguments = Arguments.parse(args);
        Settings settings = arguments.settings();
        Path dataDirectory = Files.createDirectories(arguments.data.toAbsolutePath());
        deleteLeftStores(dataDirectory);
        Files.createDirectories(arguments.out);
        System.setProperty(Directories.PROPERTY, dataDirectory.toString());
        List<String> jvmFlags = JvmFlags.forJmh(dataDirectory, settings.quick());
        Instant started = Instant.now();
        System.out.println("viper-bench: " + settings);

        List<Throughput> throughput = new ArrayList<>();
        throughput.addAll(runJmh(settings, jvmFlags, ReadWriteBenchmark.class, settings.warmupIterations(),
                settings.measurementIterations(), dataDirectory.resolve("jmh-readwrite.json")));
        throughput.addAll(runJmh(settings, jvmFlags, FillBenchmark.class, settings.fillWarmups(),
                settings.fillMeasurements(), dataDirectory.resolve("jmh-fill.json")));

        List<LifecycleResult> lifecycle = new ArrayList<>();
        Lifecycle harness = new Lifecycle(dataDirectory);
        for (int valueSize : settings.valueSizes()) {
            for (String store : settings.stores()) {
                System.out.println("# Lifecycle: " + store + ", " + settings.keyCount() + " keys, " + valueSize
                        + "-byte values");
                LifecycleResult result = harness.measure(store, settings.keyCount(), valueSize);
                if (result.failure() != null) {
                    System.out.println("  FAILED: " + result.failure());
                }
                lifecycle.add(result);
            }
        }
        if (settings.reopenKeyCount() > 0) {
            int valueSize = settings.reopenValueSize();
            for (String store : settings.stores()) {
                System.out.println("# Reopen: " + store + ", " + settings.reopenKeyCount() + " keys, " + valueSize
                        + "-byte values");
                LifecycleResult result = lifecycle.stream()
                        .filter(l -> l.store().equals(store) && l.valueSize() == valueSize).findFirst().orElseThrow();
                harness.measureLargeReopen(result, settings.reopenKeyCount());
                result.figureFailures().values().forEach(failure -> System.out.println("  FAILED: " + failure));
            }
        }

        Map<String, String> configurations = new LinkedHashMap<>();
        for (String store : settings.stores()) {
            configurations.put(store, Stores.create(store).configuration());
        }
        Results results = new Results(settings, Machine.describe(dataDirectory), jvmFlags, versions(),
                configurations, throughput, lifecycle, started, Duration.between(started, Instant.now()),
                arguments.note);
        Path markdown = arguments.out.resolve("benchmarks.md");
        Path chart = arguments.out.resolve("benchmarks.png");
        Files.writeString(markdown, MarkdownReport.render(results, chart.getFileName().toString()),
                StandardCharsets.UTF_8);
        Charts.write(results, chart);
        System.out.println("Wrote " + markdown + " and " + chart + " in " + results.elapsed().toSeconds() + " s");
        List<String> missing = missing(results);
        if (!missing.isEmpty()) {
            System.out.println("Some figures are missing (marked 'failed' in the report; the log above says why): "
                    + String.join(", ", missing));
            System.exit(1);
        }
    }

    /**
     * Deletes the store directories that an earlier run left behind when it was killed: only those this benchmark
     * names ({@code <store>-...}), since the data directory is the user's choice and may hold other things.
     */
    private static void deleteLeftStores(Path dataDirectory) throws IOException {
        try (Stream<Path> children = Files.list(dataDirectory)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String name = child.getFileName().toString();
                if (Stores.ALL.stream().anyMatch(store -> name.startsWith(store + "-"))) {
                    Directories.delete(child);
                }
            }
        }
    }

    /**
     * The figures a run should have produced and did not, as "store/valueSize/what". A store that did not recover
     * from the kill is not among them: that is what was measured, and the report says it.
     */
    static List<String> missing(Results results) {
        List<String> missing = new ArrayList<>();
        for (int valueSize : results.settings().valueSizes()) {
            for (String store : results.settings().stores()) {
                for (Workloads workload : Workloads.ALL) {
                    if (results.throughput(workload, store, valueSize).isEmpty()) {
                        missing.add(store + "/" + valueSize + "/" + workload.benchmark());
                    }
                }
                Optional<LifecycleResult> lifecycle = results.lifecycle(store, valueSize);
                if (lifecycle.isEmpty() || lifecycle.get().failure() != null) {
                    missing.add(store + "/" + valueSize + "/lifecycle");
                }
                Settings settings = results.settings();
                boolean largeReopen = lifecycle.map(l -> l.get(LifecycleResult.LARGE_REOPEN_MILLIS).isPresent())
                        .orElse(false);
                if (settings.reopenKeyCount() > 0 && valueSize == settings.reopenValueSize() && !largeReopen) {
                    missing.add(store + "/" + valueSize + "/reopen at " + settings.reopenKeyCount() + " keys");
                }
            }
        }
        return missing;
    }

    private static List<Throughput> runJmh(Settings settings, List<String> jvmFlags, Class<?> benchmark,
            int warmups, int measurements, Path json) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .param("store", settings.stores().toArray(String[]::new))
                .param("valueSize", settings.valueSizes().stream().map(String::valueOf).toArray(String[]::new))
                .param("keyCount", Integer.toString(settings.keyCount()))
                .forks(settings.forks())
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(settings.warmupSeconds()))
                .measurementIterations(measurements)
                .measurementTime(TimeValue.seconds(settings.measurementSeconds()))
                .jvmArgs(jvmFlags.toArray(String[]::new))
                // A store that fails is reported as failed in the table; the others still run.
                .shouldFailOnError(false)
                .result(json.toString())
                .resultFormat(ResultFormatType.JSON);
        return toThroughput(new Runner(options.build()).run(), settings.keyCount());
    }

    /** Turns JMH's results into figures per workload, store and value size, in operations per second. */
    static List<Throughput> toThroughput(Collection<RunResult> runs, int keyCount) {
        List<Throughput> figures = new ArrayList<>();
        for (RunResult run : runs) {
            BenchmarkParams params = run.getParams();
            String benchmark = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            String store = params.getParam("store");
            int valueSize = Integer.parseInt(params.getParam("valueSize"));
            if (benchmark.equals("mixed")) {
                for (Map.Entry<String, Result<?>> method : secondary(run).entrySet()) {
                    workload(method.getKey()).ifPresent(workload -> figures.add(new Throughput(workload, store,
                            valueSize, method.getValue().getScore(), method.getValue().getScoreError())));
                }
            } else if (benchmark.equals(Workloads.FILL.benchmark())) {
                // Milliseconds per fill of every key: turned into puts per second, the error likewise.
                Result<?> fill = run.getPrimaryResult();
                double opsPerSecond = keyCount / (fill.getScore() / 1e3);
                double error = opsPerSecond * fill.getScoreError() / fill.getScore();
                figures.add(new Throughput(Workloads.FILL, store, valueSize, opsPerSecond, error));
            } else {
                Result<?> primary = run.getPrimaryResult();
                workload(benchmark).ifPresent(workload -> figures.add(new Throughput(workload, store, valueSize,
                        primary.getScore(), primary.getScoreError())));
            }
        }
        return figures;
    }

    /** The per-method results of a group benchmark; JMH declares the map with a raw type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Map<String, Result<?>> secondary(RunResult run) {
        return (Map) run.getSecondaryResults();
    }

    private static Optional<Workloads> workload(String benchmark) {
        return Workloads.ALL.stream().filter(w -> w.benchmark().equals(benchmark)).findFirst();
    }

    private static Map<String, String> versions() {
        Properties properties = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> versions.put(name, properties.getProperty(name)));
        return versions;
    }

    /** The command line. */
    private static final class Arguments {
        boolean quick;
        Path out = Paths.get("docs");
        Path data = Paths.get(System.getProperty("java.io.tmpdir"), "viper-bench");
        String note = "";
        List<String> stores = Stores.ALL;
        List<Integer> valueSizes;
        Integer keys;
        Integer reopenKeys;

        static Arguments parse(String[] args) {
            Arguments arguments = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--quick":
                        arguments.quick = true;
                        break;
                    case "--full":
                        arguments.quick = false;
                        break;
                    case "--out":
                        arguments.out = Paths.get(value(args, ++i, arg));
                        break;
                    case "--data":
                        arguments.data = Paths.get(value(args, ++i, arg));
                        break;
                    case "--note":
                        arguments.note = value(args, ++i, arg);
                        break;
                    case "--stores":
                        arguments.stores = stores(value(args, ++i, arg));
                        break;
                    case "--value-sizes":
                        arguments.valueSizes = Arrays.stream(value(args, ++i, arg).split(","))
                                .map(String::trim).map(Integer::valueOf).collect(Collectors.toList());
                        break;
                    case "--keys":
                        arguments.keys = Integer.valueOf(value(args, ++i, arg));
                        break;
                    case "--reopen-keys":
                        arguments.reopenKeys = Integer.valueOf(value(args, ++i, arg));
                        break;
                    default:
                        throw new IllegalArgumentException("Unknown argument '" + arg + "'. Arguments: [--quick] "
                                + "[--out DIR] [--data DIR] [--note TEXT] [--stores a,b] [--value-sizes 100,1024] "
                                + "[--keys N] [--reopen-keys N (0: none)]");
                }
            }
            return arguments;
        }

        Settings settings() {
            Settings settings = quick ? Settings.quick(stores) : Settings.full(stores);
            if (valueSizes != null) {
                settings = settings.withValueSizes(valueSizes);
            }
            if (keys != null) {
                settings = settings.withKeyCount(keys);
            }
            if (reopenKeys != null) {
                settings = settings.withReopenKeyCount(reopenKeys);
            }
            return settings;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        /** The named stores in the report's order, ViperDB first: every ratio is against it. */
        private static List<String> stores(String list) {
            List<String> named = Arrays.stream(list.split(",")).map(String::trim).collect(Collectors.toList());
            for (String store : named) {
                Stores.create(store); // fails with the list of names for an unknown one
            }
            if (!named.contains(Stores.BASELINE)) {
                named.add(0, Stores.BASELINE);
            }
            return Stores.ALL.stream().filter(named::contains).collect(Collectors.toList());
        }
    }
}
