package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code salvage}: its output and exit codes on sound and damaged stores, and the targets it refuses. */
class SalvageCommandTest {

    private static final int KEYS = SegmentedStore.KEYS;

    @TempDir
    Path tmp;

    /** A store of several segments (small log files), closed. */
    private Path storeOfSegments() {
        return SegmentedStore.create(tmp.resolve("db"));
    }

    @Test
    void aSoundStoreIsSalvagedWholeWithExitCodeZero() {
        Path dir = storeOfSegments();
        Path copy = tmp.resolve("salvaged");
        Cli.Run run = Cli.run("salvage", dir.toString(), copy.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertEquals("salvaged " + KEYS + " keys from " + dir + " into " + copy + "; 0 damaged ranges skipped\n",
                run.out());
        assertEquals("", run.err());
        Cli.Run get = Cli.run("get", copy.toString(), "key:7");
        assertEquals("\"value number 7 " + "x".repeat(40) + "\"\n", get.out(), get.toString());
        Cli.Run info = Cli.run("info", copy.toString());
        assertTrue(info.out().contains("codec         json"), info.out());
    }

    @Test
    void aDamagedRecordIsReportedWithFileAndOffsetItsKeyListedAndExitCodeOne() throws IOException {
        Path dir = storeOfSegments();
        Path first = SegmentedStore.valueLogs(dir).get(0);
        SegmentedStore.flipByte(first, 100);
        Path copy = tmp.resolve("salvaged");

        Cli.Run run = Cli.run("salvage", dir.toString(), copy.toString());

        assertEquals(ExitCodes.DAMAGED, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.out());
        assertTrue(lines.get(0).matches(Pattern.quote(first.toString()) + " at offset \\d+ \\(\\d+ bytes\\): record "
                + "checksum mismatch .*"), lines.get(0));
        assertTrue(lines.get(1).matches("lost key: key:\\d+"), lines.get(1));
        String lost = lines.get(1).substring("lost key: ".length());
        assertEquals("salvaged " + (KEYS - 1) + " keys from " + dir + " into " + copy + "; 1 damaged range skipped",
                lines.get(2));
        try (KeyValueStore<Object> salvaged = KeyValueStore.open(copy)) {
            for (int i = 0; i < KEYS; i++) {
                String key = "key:" + i;
                assertEquals(key.equals(lost) ? null : "value number " + i + " " + "x".repeat(40), salvaged.get(key));
            }
        }
    }

    @Test
    void aNewStoreDirectoryThatIsNotEmptyIsRefusedWithExitCodeTwoAndLeftAlone() throws IOException {
        Path dir = storeOfSegments();
        Path occupied = Files.createDirectories(tmp.resolve("occupied"));
        byte[] mine = "my notes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(occupied.resolve("notes.txt"), mine);

        Cli.Run run = Cli.run("salvage", dir.toString(), occupied.toString());

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertEquals("viper: cannot salvage into " + occupied + ": the directory is not empty (salvage writes a new "
                + "store, into a directory that is absent or empty)\n", run.err());
        assertEquals("", run.out());
        try (Stream<Path> files = Files.list(occupied)) {
            assertEquals(List.of(occupied.resolve("notes.txt")), files.toList());
        }
        assertArrayEquals(mine, Files.readAllBytes(occupied.resolve("notes.txt")));

        Cli.Run inside = Cli.run("salvage", dir.toString(), dir.resolve("copy").toString());
        assertEquals(ExitCodes.USAGE, inside.exitCode(), inside.toString());
        assertFalse(Files.exists(dir.resolve("copy")));
    }

    @Test
    void withoutAStoreThereIsNothingToSalvage() {
        Cli.Run run = Cli.run("salvage", tmp.resolve("missing").toString(), tmp.resolve("salvaged").toString());
        assertEquals(ExitCodes.NO_STORE, run.exitCode(), run.toString());
        assertEquals("viper: no store at " + tmp.resolve("missing") + ": the directory does not exist\n", run.err());
        assertFalse(Files.exists(tmp.resolve("salvaged")));
    }

    @Test
    void aLostManifestNeedsTheCodecNamed() throws IOException {
        Path dir = storeOfSegments();
        SegmentedStore.flipByte(dir.resolve("viper.manifest"), 30);
        Path copy = tmp.resolve("salvaged");

        Cli.Run unnamed = Cli.run("salvage", dir.toString(), copy.toString());
        assertEquals(ExitCodes.DAMAGED, unnamed.exitCode(), unnamed.toString());
        assertTrue(unnamed.err().startsWith("viper: Corrupt store file " + dir.resolve("viper.manifest")),
                unnamed.err());
        assertTrue(unnamed.err().endsWith("(viper salvage STORE NEWSTORE --codec NAME)\n"), unnamed.err());
        assertFalse(Files.exists(copy));

        Cli.Run named = Cli.run("salvage", dir.toString(), copy.toString(), "--codec", "json");
        assertEquals(ExitCodes.DAMAGED, named.exitCode(), named.toString());
        List<String> lines = named.out().lines().toList();
        assertTrue(lines.get(0).startsWith(dir.resolve("viper.manifest") + " at offset "), named.out());
        assertEquals("salvaged " + KEYS + " keys from " + dir + " into " + copy + "; 1 damaged range skipped",
                lines.get(1));

        Cli.Run other = Cli.run("salvage", storeOfSegmentsElsewhere().toString(), tmp.resolve("other").toString(),
                "--codec", "kryo");
        assertEquals(ExitCodes.CODEC, other.exitCode(), other.toString());
    }

    private Path storeOfSegmentsElsewhere() {
        Path dir = tmp.resolve("sound");
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            store.put("k", "v");
        }
        return dir;
    }

    @Test
    void helpGivesAnExampleAndTheCommandIsListed() {
        Cli.Run run = Cli.run("salvage", "--help");
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: viper salvage [-hV] [--verbose] [--codec=NAME] STORE NEWSTORE"),
                run.out());
        assertTrue(run.out().contains("Examples:\n  viper salvage ./db ./db-salvaged\n"), run.out());
        assertTrue(Cli.run("--help").out().contains("  salvage "), "listed in viper --help");
    }
}
