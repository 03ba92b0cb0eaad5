package io.viperdb.bench.report;

import io.viperdb.bench.JvmFlags;
import io.viperdb.bench.Settings;
import io.viperdb.bench.lifecycle.LifecycleResult;
import io.viperdb.bench.lifecycle.LifecycleRun;
import io.viperdb.bench.store.Stores;
import io.viperdb.bench.workload.Workload;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import java.util.function.Function;

/** Writes {@code docs/benchmarks.md}: the tables, then how the figures were made and on what. */
public final class MarkdownReport {

    private static final String MISSING = "failed";
    private static final String NOT_APPLICABLE = "n/a";
    private static final String NOT_RECOVERED = "did not recover";
    private static final double MIB = 1 << 20;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final Results results;
    private final StringBuilder out = new StringBuilder();

    private MarkdownReport(Results results) {
        this.results = results;
    }

    /** The whole report; {@code chartFile} is the chart's file name, relative to the report. */
    public static String render(Results results, String chartFile) {
        return new MarkdownReport(results).write(chartFile);
    }

    private String write(String chartFile) {
        Settings settings = results.settings();
        line("# ViperDB benchmarks");
        line("");
        if (!results.note().isBlank()) {
            line("> **" + results.note().strip() + "**");
            line("");
        }
        if (settings.quick()) {
            line("> **Quick mode**: " + count(settings.keyCount()) + " keys, one short JMH iteration or two per "
                    + "figure. It checks that the harness works end to end; its figures are not for quoting. The "
                    + "figures to quote come from the full mode (`./bench.sh`) on a quiet machine.");
            line("");
        }
        String started = DATE.format(results.started().atOffset(ZoneOffset.UTC));
        line("ViperDB and five embedded key-value stores for the JVM, measured in one run, on the same keys, values "
                + "and access sequences, by the `viper-bench` module. Generated " + started + " in "
                + results.elapsed().toMinutes() + " min " + results.elapsed().toSecondsPart() + " s. "
                + "How each store is configured, the workloads, the machine and the command to reproduce this are "
                + "below the tables.");
        line("");
        line("![Throughput and disk space of each store](" + chartFile + ")");
        line("");
        for (int valueSize : settings.valueSizes()) {
            throughputTable(valueSize);
            lifecycleTable(valueSize);
        }
        configurations();
        workloads();
        machine();
        reproduce();
        return out.toString();
    }

    private void throughputTable(int valueSize) {
        Settings settings = results.settings();
        line("## Throughput, " + count(settings.keyCount()) + " keys, " + valueSize + "-byte values");
        line("");
        line("Operations per second, higher is better. In brackets: the ratio to ViperDB in this run (above 1: "
                + "faster than ViperDB).");
        line("");
        header("workload");
        for (Workloads workload : Workloads.ALL) {
            StringBuilder row = new StringBuilder("| " + workload.label() + " |");
            Optional<Throughput> baseline = results.throughput(workload, Stores.BASELINE, valueSize);
            for (String store : settings.stores()) {
                Optional<Throughput> figure = results.throughput(workload, store, valueSize);
                row.append(' ').append(figure.map(t -> rate(t.opsPerSecond())).orElse(MISSING));
                if (figure.isPresent() && baseline.isPresent() && !store.equals(Stores.BASELINE)) {
                    row.append(" (").append(ratio(figure.get().opsPerSecond() / baseline.get().opsPerSecond()))
                            .append(')');
                }
                row.append(" |");
            }
            line(row.toString());
        }
        line("");
    }

    private void lifecycleTable(int valueSize) {
        Settings settings = results.settings();
        long liveBytes = (long) settings.keyCount() * (Workload.KEY_LENGTH + valueSize);
        line("## Reopen, disk space, compaction and memory, " + count(settings.keyCount()) + " keys, " + valueSize
                + "-byte values");
        line("");
        line("Live data: " + count(settings.keyCount()) + " x (16 + " + valueSize + ") bytes = "
                + mib(liveBytes) + " MiB. Disk space is what the files take on the device (`du`), measured with the "
                + "store closed. Lower is better in every row.");
        line("");
        header("");
        lifecycleRow(valueSize, "reopen: open + first read, ms (median of 3)", LifecycleResult.REOPEN_MILLIS,
                MarkdownReport::millis);
        if (hasLargeReopen(valueSize)) {
            // Measured on a store of its own: the lifecycle's failure says nothing about it.
            row(largeReopenLabel(), valueSize, l -> l.get(LifecycleResult.LARGE_REOPEN_MILLIS),
                    MarkdownReport::millis, l -> MISSING);
        }
        row("reopen after a kill: open + first read, ms", valueSize,
                l -> l.get(LifecycleResult.REOPEN_AFTER_KILL_MILLIS), MarkdownReport::millis,
                l -> l.failureAfterKill() != null ? NOT_RECOVERED : MISSING);
        lifecycleRow(valueSize, "space after fill, MiB", LifecycleResult.DISK_AFTER_FILL, MarkdownReport::mib);
        lifecycleRow(valueSize, "space after overwriting every key once, MiB", LifecycleResult.DISK_AFTER_OVERWRITE,
                MarkdownReport::mib);
        lifecycleRow(valueSize, "compaction time, ms", LifecycleResult.COMPACT_MILLIS, MarkdownReport::millis);
        lifecycleRow(valueSize, "space after compaction, MiB", LifecycleResult.DISK_AFTER_COMPACT,
                MarkdownReport::mib);
        row("compaction write rate: bytes after compaction / time, MiB/s", valueSize,
                l -> rate(l, LifecycleResult.COMPACT_MILLIS), MarkdownReport::mibPerSecond);
        row("the same bytes written in one sequential file and forced, MiB/s", valueSize,
                l -> rate(l, LifecycleResult.SEQUENTIAL_WRITE_MILLIS), MarkdownReport::mibPerSecond);
        row("compaction write rate / sequential write rate (higher is better)", valueSize,
                LifecycleResult::compactionShareOfSequentialWrite, share -> String.format(Locale.ROOT, "%.2f", share));
        lifecycleRow(valueSize, "heap held by the open store, bytes per key", LifecycleResult.HEAP_PER_KEY,
                MarkdownReport::perKey);
        lifecycleRow(valueSize, "resident memory added by opening, bytes per key", LifecycleResult.RSS_PER_KEY,
                MarkdownReport::perKey);
        line("");
        for (String store : settings.stores()) {
            Optional<LifecycleResult> measured = results.lifecycle(store, valueSize);
            measured.map(LifecycleResult::failure).ifPresent(failure ->
                    line("- " + Stores.displayName(store) + ": the measurement failed: `" + failure + "`"));
            measured.filter(l -> hasLargeReopen(valueSize))
                    .map(l -> l.figureFailures().get(LifecycleResult.LARGE_REOPEN_MILLIS))
                    .ifPresent(failure -> line("- " + Stores.displayName(store) + ": the reopen at "
                            + count(settings.reopenKeyCount()) + " keys failed: `" + failure + "`"));
            measured.map(LifecycleResult::failureAfterKill).ifPresent(failure ->
                    line("- " + Stores.displayName(store) + " did not recover from the kill: `" + failure + "`"));
        }
        line("");
    }

    /** Whether the table of {@code valueSize} has the reopen at the second key count. */
    private boolean hasLargeReopen(int valueSize) {
        Settings settings = results.settings();
        return settings.reopenKeyCount() > 0 && valueSize == settings.reopenValueSize();
    }

    private String largeReopenLabel() {
        return "reopen at " + count(results.settings().reopenKeyCount()) + " keys: open + first read, ms (median of 3)";
    }

    private void lifecycleRow(int valueSize, String label, String name, DoubleFunction<String> format) {
        row(label, valueSize, l -> l.get(name), format);
    }

    /** Bytes after compaction per second of the figure {@code millis}, if both were measured. */
    private static OptionalDouble rate(LifecycleResult result, String millis) {
        OptionalDouble bytes = result.get(LifecycleResult.APPARENT_AFTER_COMPACT);
        OptionalDouble time = result.get(millis);
        return bytes.isPresent() && time.isPresent()
                ? OptionalDouble.of(bytes.getAsDouble() / (time.getAsDouble() / 1e3)) : OptionalDouble.empty();
    }

    private void row(String label, int valueSize, Function<LifecycleResult, OptionalDouble> figure,
            DoubleFunction<String> format) {
        // Measured to the end and absent: the figure does not exist for the store (a compaction it does not have).
        row(label, valueSize, figure, format, l -> l.failure() == null ? NOT_APPLICABLE : MISSING);
    }

    /** A row of figures; {@code absent} gives the cell of a store that was measured and has no such figure. */
    private void row(String label, int valueSize, Function<LifecycleResult, OptionalDouble> figure,
            DoubleFunction<String> format, Function<LifecycleResult, String> absent) {
        StringBuilder row = new StringBuilder("| " + label + " |");
        for (String store : results.settings().stores()) {
            Optional<LifecycleResult> measured = results.lifecycle(store, valueSize);
            OptionalDouble value = measured.map(figure).orElse(OptionalDouble.empty());
            String cell;
            if (value.isPresent()) {
                cell = format.apply(value.getAsDouble());
            } else if (measured.isPresent()) {
                cell = absent.apply(measured.get());
            } else {
                cell = MISSING;
            }
            row.append(' ').append(cell).append(" |");
        }
        line(row.toString());
    }

    private void configurations() {
        line("## How each store is configured");
        line("");
        line("Each store is used as a careful user would use it for a persistent, file-backed map: no fsync per "
                + "write; every write visible at once; at the end of a fill the writes are flushed or committed so "
                + "that they would survive a crash of the process; `close()` syncs where the store can. The whole "
                + "configuration of each is one class in `viper-bench/src/main/java/io/viperdb/bench/store/`, there "
                + "to be challenged.");
        line("");
        line("| store | version | configuration |");
        line("|---|---|---|");
        for (String store : results.settings().stores()) {
            line("| " + Stores.displayName(store) + " | " + results.versions().getOrDefault(store, "?") + " | "
                    + results.configurations().getOrDefault(store, "") + " |");
        }
        line("");
    }

    private void workloads() {
        Settings settings = results.settings();
        line("## Workloads and settings");
        line("");
        line("- **Keys**: " + count(settings.keyCount()) + " keys `key0000000000000` to `key" + String.format(
                Locale.ROOT, "%013d", settings.keyCount() - 1) + "`, 16 ASCII bytes. ViperDB is given the key as a "
                + "`String` (its API), the others its 16 bytes, both made before timing starts.");
        line("- **Values**: random (incompressible) bytes of the value size, from a pool of 1,024 arrays; ViperDB "
                + "stores them with the `bytes` codec, so every store holds the same bytes.");
        line("- **Batches**: writes go in batches of " + count(Workload.BATCH) + " puts: one write transaction in "
                + "LMDB, one `WriteBatch` in RocksDB and in ViperDB (atomic in both), a loop of puts in the others "
                + "(they have no batch that saves work). Every JMH invocation does " + count(Workload.BATCH) + " operations.");
        line("- **Fill in key order**: an empty store, every key once in key order, then a flush or commit; one "
                + "fill per JMH iteration (single-shot), " + settings.fillWarmups() + " warm-up and "
                + settings.fillMeasurements() + " measured per fork; puts per second.");
        line("- **Reads**: uniform, or Zipfian with theta 0.99 (the hottest key ranks spread over the key space by a "
                + "fixed permutation), from sequences of 2^20 key indexes drawn with fixed seeds before the trial. "
                + "One thread.");
        line("- **Overwrite**: uniform random keys that exist, new values, in batches; one thread. ViperDB and "
                + "MapDB do not compact in the background, so their overwrite figures include no compaction; "
                + "RocksDB's and MVStore's include whatever their background threads do meanwhile.");
        line("- **Mixed**: one thread reading (uniform) and one thread overwriting (uniform, batches) at the same "
                + "time, on the same store; each thread's rate is given.");
        line("- **JMH**: " + settings.forks() + " fork per benchmark and store, each on a freshly filled store; "
                + settings.warmupIterations() + " warm-up iterations of " + settings.warmupSeconds() + " s, "
                + settings.measurementIterations() + " measured iterations of " + settings.measurementSeconds()
                + " s; throughput mode.");
        line("- **Reopen, space, compaction, memory**: a plain harness, for each store in fresh JVMs. The first "
                + "fills the store in key order and closes it. The second first opens, writes, compacts and closes a "
                + "small store elsewhere (so classes and native libraries are loaded), then opens the filled store "
                + "and reads one key (reopen time, median of three opens), compares heap after full GC and resident "
                + "memory before and after that first open (memory per key; the peers keep their index off the "
                + "Java heap, in files they map, so for them the resident figure is the one to compare), overwrites "
                + "every key once in a random order and closes (space), then runs the store's compaction and "
                + "closes (time and space). Then it writes as many bytes as the compacted files hold to one new "
                + "file beside them, sequentially with a `FileChannel` in 8 MiB writes, and forces it: what the disk "
                + "could write at that moment, against which the compaction's write rate is given as a fraction. "
                + "Samples of values are checked after each step.");
        line("- **Reopen after a kill**: then a third JVM opens the store as the second left it (closed), "
                + "overwrites " + count(LifecycleRun.WRITES_BEFORE_KILL) + " keys spread evenly over the key space "
                + "with new values, in batches, and calls the store's flush as at the end of a fill (ViperDB's "
                + "`flush()`, H2 MVStore's `commit()`; the other stores' writes are already with the operating "
                + "system), so that every one of them must survive a crash of the process; it then says so and "
                + "waits, and the harness kills it with SIGKILL (`Process.destroyForcibly()`): no close, no shutdown "
                + "hook. A fourth JVM, warmed up as the second, opens the store and reads one of the keys written "
                + "before the kill: one open, since only the first after a kill has anything to recover. It then "
                + "checks every key written before the kill and a sample of the others. So each store does its crash "
                + "recovery (RocksDB replays its write-ahead log, MVStore looks for its last chunk, ViperDB replays "
                + "what its last index checkpoint does not cover) on a small tail of recent writes, and the figure is "
                + "the open after a crash, not a replay of the whole fill. A store whose open throws, or which "
                + "returns a wrong value, is marked \"" + NOT_RECOVERED + "\" with the reason below the table: that "
                + "is a finding about the store, not a figure the harness failed to measure.");
        if (settings.reopenKeyCount() > 0) {
            line("- **Reopen at " + count(settings.reopenKeyCount()) + " keys**: a store of its own with "
                    + count(settings.reopenKeyCount()) + " keys and " + settings.reopenValueSize() + "-byte values "
                    + "(the run's smallest), filled in key order in batches as above and closed in one fresh JVM; in "
                    + "another, warmed up as above, opened and one key read, three times (the median is given), and "
                    + "a sample of values checked after the first open. Nothing else is done with it: it shows how "
                    + "the open grows with the number of keys.");
        }
        line("");
    }

    private void machine() {
        Machine machine = results.machine();
        line("## Machine");
        line("");
        line("- CPU: " + machine.cpu() + ", " + machine.cores() + " cores available to the JVM");
        line("- Memory: " + (machine.memoryBytes() < 0 ? "unknown"
                : String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / (MIB * 1024))));
        line("- OS: " + machine.os());
        line("- JDK: " + machine.jdk());
        line("- Store files on: " + machine.fileSystem());
        line("- JVM flags of the JMH forks: `" + String.join(" ", results.jvmFlags()) + "`. The harness's children "
                + "take the same flags with a " + String.join(" ", JvmFlags.HEAP) + " heap and without `"
                + JvmFlags.PRE_TOUCH + "`, which would hide what opening a store adds to the resident memory.");
        line("");
    }

    private void reproduce() {
        line("## Reproduce");
        line("");
        line("```sh");
        line("./bench.sh            # full mode: " + count(Settings.full(List.of()).keyCount())
                + " keys, 100-byte and 1 KiB values (35 to 70 minutes on 2 cores)");
        line("./bench.sh --quick    # quick mode: checks the harness in about 6 minutes");
        line("```");
        line("");
        line("Both rewrite `docs/benchmarks.md` and `docs/benchmarks.png`. A JDK 17 or newer is all it needs; the "
                + "Maven wrapper fetches Maven and the libraries. The full mode needs 8 GiB of memory and about 20 GB "
                + "of free disk under `viper-bench/target` (stores that overwrite without compacting grow while they "
                + "are measured; each is deleted after its trial).");
    }

    private void header(String first) {
        StringBuilder names = new StringBuilder("| " + first + " |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String store : results.settings().stores()) {
            names.append(' ').append(Stores.displayName(store)).append(" |");
            rule.append("---:|");
        }
        line(names.toString());
        line(rule.toString());
    }

    private void line(String text) {
        out.append(text).append('\n');
    }

    static String rate(double opsPerSecond) {
        if (opsPerSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M/s", opsPerSecond / 1e6);
        }
        if (opsPerSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.0f k/s", opsPerSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f /s", opsPerSecond);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, ratio >= 10 ? "%.0fx" : "%.2fx", ratio);
    }

    static String millis(double millis) {
        return String.format(Locale.ROOT, millis >= 100 ? "%,.0f" : "%.1f", millis);
    }

    static String mib(double bytes) {
        return String.format(Locale.ROOT, bytes >= 100 * MIB ? "%,.0f" : "%.1f", bytes / MIB);
    }

    static String mibPerSecond(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%,.0f", bytesPerSecond / MIB);
    }

    static String perKey(double bytes) {
        // A store that holds nothing measures a few bytes either side of zero: GC noise, not a figure to sign.
        return String.format(Locale.ROOT, "%.0f", Math.abs(bytes) < 0.5 ? 0.0 : bytes);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
