package io.viperdb.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.bench.Settings;
import io.viperdb.bench.lifecycle.LifecycleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {

    private static final List<String> STORES = List.of("viper", "rocksdb", "chronicle");

    private static Results results() {
        return results(Settings.quick(STORES));
    }

    private static Results results(Settings settings) {
        List<Throughput> throughput = List.of(
                new Throughput(Workloads.READ_UNIFORM, "viper", 100, 2_000_000, Double.NaN),
                new Throughput(Workloads.READ_UNIFORM, "rocksdb", 100, 500_000, Double.NaN),
                new Throughput(Workloads.READ_UNIFORM, "chronicle", 100, 3_000_000, Double.NaN),
                new Throughput(Workloads.FILL, "viper", 100, 800_000, Double.NaN));
        LifecycleResult viper = new LifecycleResult("viper", 100);
        viper.put(LifecycleResult.REOPEN_MILLIS, 150.4);
        viper.put(LifecycleResult.DISK_AFTER_FILL, 30 * (1 << 20));
        viper.put(LifecycleResult.COMPACT_MILLIS, 99);
        viper.put(LifecycleResult.DISK_AFTER_COMPACT, 29 * (1 << 20));
        viper.put(LifecycleResult.APPARENT_AFTER_COMPACT, 99 * (1 << 20));
        viper.put(LifecycleResult.SEQUENTIAL_WRITE_MILLIS, 33);
        viper.put(LifecycleResult.HEAP_PER_KEY, 141.2);
        viper.put(LifecycleResult.REOPEN_AFTER_KILL_MILLIS, 61.23);
        viper.put(LifecycleResult.LARGE_REOPEN_MILLIS, 2950.2);
        LifecycleResult chronicle = new LifecycleResult("chronicle", 100);
        chronicle.put(LifecycleResult.REOPEN_MILLIS, 12);
        chronicle.failAfterKill("opening after the kill threw java.lang.IllegalStateException: locked");
        chronicle.failFigure(LifecycleResult.LARGE_REOPEN_MILLIS, "chronicle/100 at 1,000,000 keys: fill failed");
        LifecycleResult rocksdb = new LifecycleResult("rocksdb", 100);
        rocksdb.fail("measure failed (exit 1): boom");
        rocksdb.put(LifecycleResult.LARGE_REOPEN_MILLIS, 40);
        Machine machine = new Machine("Test CPU", 2, 4L << 30, "Linux", "JDK 17", "ext4");
        return new Results(settings, machine, List.of("-Xmx2g"), Map.of("viper", "0.1.0", "rocksdb", "11.8.1"),
                Map.of("viper", "bytes codec", "rocksdb", "defaults", "chronicle", "entries"), throughput,
                List.of(viper, rocksdb, chronicle), Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(200),
                "validation run");
    }

    @Test
    void givesEachPeerItsRatioToViperDbFromTheSameRun() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        assertTrue(report.contains("| read, uniform | 2.00 M/s | 500 k/s (0.25x) | 3.00 M/s (1.50x) |"), report);
    }

    @Test
    void saysWhichFiguresFailedAndWhichDoNotExist() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        assertTrue(report.contains("| fill in key order | 800 k/s | failed | failed |"), report);
        // Chronicle was measured to the end but has no compaction; RocksDB's measurement failed.
        assertTrue(report.contains("| compaction time, ms | 99.0 | failed | n/a |"), report);
        assertTrue(report.contains("| reopen: open + first read, ms (median of 3) | 150 | failed | 12.0 |"), report);
        assertTrue(report.contains("RocksDB: the measurement failed: `measure failed (exit 1): boom`"), report);
    }

    @Test
    void givesTheReopenAfterAKillAndSaysWhichStoresDidNotRecover() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        // RocksDB's lifecycle failed before its kill; Chronicle Map was killed and did not open again.
        assertTrue(report.contains("| reopen after a kill: open + first read, ms | 61.2 | failed | did not recover |"),
                report);
        assertTrue(report.contains("- Chronicle Map did not recover from the kill: `opening after the kill threw "
                + "java.lang.IllegalStateException: locked`"), report);
        assertTrue(report.contains("- **Reopen after a kill**: then a third JVM opens the store"), report);
        assertTrue(report.contains("overwrites 5,000 keys spread evenly over the key space"), report);
    }

    @Test
    void givesTheReopenAtTheSecondKeyCountApartFromTheLifecycleItWasNotPartOf() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        // RocksDB's lifecycle failed, but its store at the second key count was measured; Chronicle Map's was not.
        assertTrue(report.contains("| reopen at 1,000,000 keys: open + first read, ms (median of 3) | 2,950 | 40.0 "
                + "| failed |"), report);
        assertTrue(report.contains("- Chronicle Map: the reopen at 1,000,000 keys failed: `chronicle/100 at 1,000,000 "
                + "keys: fill failed`"), report);
        assertTrue(report.contains("- **Reopen at 1,000,000 keys**: a store of its own with 1,000,000 keys and "
                + "100-byte values"), report);
    }

    @Test
    void givesTheReopenAtTheSecondKeyCountOnlyForTheSmallestValueSizeAndOnlyIfItWasRun() {
        String both = MarkdownReport.render(results(Settings.quick(STORES).withValueSizes(List.of(100, 1024))),
                "benchmarks.png");
        assertEquals(1, both.split("\\| reopen at 1,000,000 keys", -1).length - 1, both);
        assertEquals(2, both.split("\\| reopen after a kill", -1).length - 1, both);

        String none = MarkdownReport.render(results(Settings.quick(STORES).withReopenKeyCount(0)), "benchmarks.png");
        assertFalse(none.contains("reopen at"), none);
        assertFalse(none.contains("**Reopen at"), none);
    }

    @Test
    void givesTheCompactionWriteRateAsAFractionOfTheSequentialWriteRateOfTheSameRun() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        assertTrue(report.contains("| compaction write rate: bytes after compaction / time, MiB/s | 1,000 | failed "
                + "| n/a |"), report);
        assertTrue(report.contains("| the same bytes written in one sequential file and forced, MiB/s | 3,000 | failed "
                + "| n/a |"), report);
        assertTrue(report.contains("| compaction write rate / sequential write rate (higher is better) | 0.33 | failed "
                + "| n/a |"), report);
    }

    @Test
    void printsTheNoteTheModeTheMachineAndTheConfigurations() {
        String report = MarkdownReport.render(results(), "benchmarks.png");
        assertTrue(report.startsWith("# ViperDB benchmarks\n\n> **validation run**\n\n> **Quick mode**"), report);
        assertTrue(report.contains("![Throughput and disk space of each store](benchmarks.png)"));
        assertTrue(report.contains("- CPU: Test CPU, 2 cores"));
        assertTrue(report.contains("- JVM flags of the JMH forks: `-Xmx2g`. The harness's children take the same flags"));
        assertTrue(report.contains("| RocksDB | 11.8.1 | defaults |"));
        assertTrue(report.contains("Generated 2026-01-02 03:04 UTC in 3 min 20 s"));
    }

    @Test
    void formatsFigures() {
        assertEquals("1.23 M/s", MarkdownReport.rate(1_234_567));
        assertEquals("988 k/s", MarkdownReport.rate(987_654));
        assertEquals("12x", MarkdownReport.ratio(12.3));
        assertEquals("0.81x", MarkdownReport.ratio(0.8123));
        assertEquals("1,024", MarkdownReport.mib(1024.0 * (1 << 20)));
        assertEquals("0", MarkdownReport.perKey(-0.0018));
        assertEquals("-3", MarkdownReport.perKey(-3.2));
    }

    @Test
    void drawsThePng(@TempDir Path directory) throws Exception {
        Path png = directory.resolve("chart.png");
        Charts.write(results(), png);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
    }
}
