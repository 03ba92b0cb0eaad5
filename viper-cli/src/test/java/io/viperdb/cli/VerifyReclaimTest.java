package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} on sound and damaged stores, and {@code reclaim}. */
class VerifyReclaimTest {

    @TempDir
    Path tmp;

    /** A store of several segments (small log files), closed. */
    private Path storeOfSegments() {
        return SegmentedStore.create(tmp.resolve("db"));
    }

    @Test
    void aSoundStoreVerifiesWithExitCodeZero() {
        Path dir = storeOfSegments();
        Cli.Run run = Cli.run("verify", dir.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().matches("sound: " + Pattern.quote(dir.toString()) + ", [\\d,]+ records, [\\d.]+ KiB "
                + "checked\n"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void damageInASealedSegmentIsReportedWithFileAndOffset() throws IOException {
        Path dir = storeOfSegments();
        Path first = SegmentedStore.valueLogs(dir).get(0);
        SegmentedStore.flipByte(first, 100);
        Cli.Run run = Cli.run("verify", dir.toString());
        assertEquals(ExitCodes.DAMAGED, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith(first + " at offset "), lines.get(0));
        assertTrue(lines.get(0).matches(".*; it holds the value of key \"key:\\d+\"$"), lines.get(0));
        assertEquals(2, lines.size(), "one flipped byte, one problem: " + run.out());
        assertTrue(lines.get(1).startsWith("damaged: " + dir + ", 1 problem in "), run.out());
    }

    @Test
    void damageThatKeepsTheStoreFromOpeningIsADamagedStoreToo() throws IOException {
        Path dir = storeOfSegments();
        Path manifest = dir.resolve("viper.manifest");
        SegmentedStore.flipByte(manifest, 30);
        Cli.Run verify = Cli.run("verify", dir.toString());
        assertEquals(ExitCodes.DAMAGED, verify.exitCode(), verify.toString());
        assertTrue(verify.out().startsWith("Corrupt store file " + manifest + " at offset "), verify.out());
        assertTrue(verify.out().endsWith("damaged: " + dir + " does not open\n"), verify.out());

        Cli.Run get = Cli.run("get", dir.toString(), "key:1");
        assertEquals(ExitCodes.DAMAGED, get.exitCode(), get.toString());
        assertTrue(get.err().startsWith("viper: Corrupt store file " + manifest + " at offset "), get.err());
        assertEquals(1, get.err().lines().count(), get.err());
    }

    @Test
    void readingADamagedRecordIsADamagedStore() throws IOException {
        Path dir = storeOfSegments();
        SegmentedStore.flipByte(SegmentedStore.valueLogs(dir).get(0), 100);
        Cli.Run export = Cli.run("export", dir.toString());
        assertEquals(ExitCodes.DAMAGED, export.exitCode(), export.toString());
        assertTrue(export.err().startsWith("viper: Corrupt store file "), export.err());
    }

    @Test
    void anExportThatFailsLeavesTheFileItWouldReplaceAsItWasAndNoTemporaryFile() throws IOException {
        Path dir = storeOfSegments();
        Path backup = tmp.resolve("backups/backup.jsonl");
        Files.createDirectories(backup.getParent());
        assertEquals(ExitCodes.OK, Cli.run("export", dir.toString(), backup.toString()).exitCode());
        byte[] lastWeek = Files.readAllBytes(backup);
        SegmentedStore.flipByte(SegmentedStore.valueLogs(dir).get(0), 100);

        Cli.Run export = Cli.run("export", dir.toString(), backup.toString());
        assertEquals(ExitCodes.DAMAGED, export.exitCode(), export.toString());
        assertArrayEquals(lastWeek, Files.readAllBytes(backup), "the old export, byte for byte");
        try (Stream<Path> files = Files.list(backup.getParent())) {
            assertEquals(List.of(backup), files.toList(), "no temporary file is left beside it");
        }
        assertTrue(export.err().startsWith("viper: Corrupt store file "), export.err());
        assertTrue(export.err().contains(backup + " is left as it was"), export.err());
    }

    @Test
    void anExportReplacesTheFileWholeOnlyWhenItIsDone() throws IOException {
        Path dir = storeOfSegments();
        Path file = tmp.resolve("export.jsonl");
        Files.writeString(file, "an older, longer export".repeat(1000));
        assertEquals(ExitCodes.OK, Cli.run("export", dir.toString(), file.toString()).exitCode());
        assertEquals(Cli.run("export", dir.toString()).out(), Files.readString(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("db", "export.jsonl"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        Path directory = Files.createDirectories(tmp.resolve("empty"));
        Cli.Run onDirectory = Cli.run("export", dir.toString(), directory.toString());
        assertEquals(ExitCodes.USAGE, onDirectory.exitCode(), onDirectory.toString());
        assertEquals("viper: " + directory + " is a directory, not a file\n", onDirectory.err());
        assertTrue(Files.isDirectory(directory), "not replaced by the export");
    }

    @Test
    void reclaimOfAStoreWithNothingDeadChangesNothingAndSaysSo() {
        Path dir = storeOfSegments();
        Map<String, String> before = DirectoryContents.of(dir);
        Cli.Run run = Cli.run("reclaim", dir.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertEquals("nothing to reclaim in " + dir + ": 0 B dead\n", run.out());
        Map<String, String> after = DirectoryContents.of(dir);
        before.keySet().removeIf(name -> name.startsWith("viper.") && !name.equals("viper.manifest"));
        after.keySet().retainAll(before.keySet());
        assertEquals(before, after, "the segment files and the manifest, byte for byte");
        assertTrue(Cli.run("info", dir.toString()).out().contains("last reclaim  never"));
    }

    @Test
    void reclaimThatKeepsOneRecordSaysRecord() {
        Path dir = tmp.resolve("one");
        assertEquals(ExitCodes.OK, Cli.run("put", dir.toString(), "k", "1").exitCode());
        assertEquals(ExitCodes.OK, Cli.run("put", dir.toString(), "k", "2").exitCode());
        Cli.Run run = Cli.run("reclaim", dir.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains(", kept 1 record, in "), run.out());
    }

    @Test
    void reclaimPrintsTheSizesBeforeAndAfter() {
        Path dir = storeOfSegments();
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            for (int i = 0; i < 300; i += 2) {
                store.remove("key:" + i);
            }
        }
        Cli.Run run = Cli.run("reclaim", dir.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().matches("reclaimed " + Pattern.quote(dir.toString()) + ": [\\d.]+ KiB -> [\\d.]+ KiB "
                + "\\([\\d.]+ KiB freed\\), kept 150 records, in [\\d.,]+ ms\n"), run.out());
        Cli.Run info = Cli.run("info", dir.toString());
        assertTrue(info.out().contains("dead bytes    0 B"), info.out());
        assertTrue(!info.out().contains("last reclaim  never"), info.out());
        assertEquals(ExitCodes.OK, Cli.run("verify", dir.toString()).exitCode());
    }
}
