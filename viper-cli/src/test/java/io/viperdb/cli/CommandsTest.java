package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.spi.ValueCodec;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command, in this JVM, against real stores: what it prints, and its exit code. */
class CommandsTest {

    @TempDir
    Path tmp;

    private String db() {
        return tmp.resolve("db").toString();
    }

    private static void ok(Cli.Run run) {
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
    }

    @Test
    void putCreatesTheStoreAndGetPrintsTheValueAsJson() {
        Cli.Run put = Cli.run("put", db(), "greeting", "\"hello, world\"");
        ok(put);
        assertEquals("viper: created a new store at " + db() + " (codec json)\n", put.err());
        ok(Cli.run("put", db(), "user:ada", "{\"name\":\"Ada\",\"born\":1815,\"langs\":[\"en\",\"fr\"]}"));
        ok(Cli.run("put", db(), "pi", "3.14"));
        ok(Cli.run("put", db(), "plain", "--string", "no quotes needed"));

        assertEquals("\"hello, world\"\n", Cli.run("get", db(), "greeting").out());
        assertEquals("{\"name\":\"Ada\",\"born\":1815,\"langs\":[\"en\",\"fr\"]}\n",
                Cli.run("get", db(), "user:ada").out());
        assertEquals("3.14\n", Cli.run("get", db(), "pi").out());
        assertEquals("\"no quotes needed\"\n", Cli.run("get", db(), "plain").out());
        try (KeyValueStore<Object> store = KeyValueStore.open(tmp.resolve("db"))) {
            assertEquals(Map.of("name", "Ada", "born", 1815, "langs", List.of("en", "fr")), store.get("user:ada"));
            assertEquals(3.14, store.get("pi"));
        }
    }

    @Test
    void aFirstPutThatFailsLeavesNoStoreBehindAndSaysNothingOfOne() throws Exception {
        Cli.Run refused = Cli.run("put", db(), "when", "{\"@type\":\"java.time.LocalDate\",\"value\":\"2026-11-25\"}");
        assertEquals(ExitCodes.CODEC, refused.exitCode(), refused.toString());
        assertTrue(refused.err().startsWith("viper: Codec 'json' cannot encode a value of type java.time.LocalDate"),
                refused.err());
        assertFalse(refused.err().contains("created"), refused.err());
        assertFalse(Files.exists(tmp.resolve("db")), "the store this put created is removed, and its directory");

        Cli.Run longKey = Cli.run("put", db(), "k".repeat(KeyValueStore.MAX_KEY_BYTES + 1), "1");
        assertEquals(ExitCodes.USAGE, longKey.exitCode(), longKey.toString());
        assertTrue(longKey.err().startsWith("viper: KEY is 4,097 bytes in UTF-8; a key holds at most 4,096"),
                longKey.err());
        assertFalse(Files.exists(tmp.resolve("db")));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(ExitCodes.CODEC, Cli.run("put", "--codec", "bytes", empty.toString(), "n", "42").exitCode());
        assertEquals(List.of(), Files.list(empty).toList(), "an empty directory given is left, empty");

        ok(Cli.run("put", db(), "k", "1"));
        Cli.Run later = Cli.run("put", db(), "when", "{\"@type\":\"java.time.LocalDate\",\"value\":\"2026-11-25\"}");
        assertEquals(ExitCodes.CODEC, later.exitCode());
        assertEquals("1\n", Cli.run("get", db(), "k").out(), "a store that was there stays whatever fails");
    }

    @Test
    void putAndImportRefuseADirectoryOfOtherFilesAndAFile() throws Exception {
        Path documents = Files.createDirectories(tmp.resolve("documents"));
        Files.writeString(documents.resolve("notes.txt"), "mine");
        String refusal = "viper: no store at " + documents + ": the directory holds other files and no "
                + "viper.manifest; put and import create a store only in a new or empty directory\n";
        Cli.Run put = Cli.run("put", documents.toString(), "k", "1");
        assertEquals(ExitCodes.NO_STORE, put.exitCode(), put.toString());
        assertEquals(refusal, put.err());
        Cli.Run imported = Cli.runWithInput("{\"key\":\"k\",\"value\":1}\n", "import", documents.toString());
        assertEquals(ExitCodes.NO_STORE, imported.exitCode(), imported.toString());
        assertEquals(refusal, imported.err());
        assertEquals(List.of(documents.resolve("notes.txt")), Files.list(documents).toList(), "nothing added");

        Path file = Files.writeString(tmp.resolve("file"), "x");
        Cli.Run onFile = Cli.run("put", file.toString(), "k", "1");
        assertEquals(ExitCodes.NO_STORE, onFile.exitCode(), onFile.toString());
        assertEquals("viper: no store at " + file + ": it is a file, not a directory\n", onFile.err());
    }

    @Test
    void putWithATimeToLiveExpires() throws InterruptedException {
        ok(Cli.run("put", db(), "session", "\"token\"", "--ttl", "300ms"));
        ok(Cli.run("get", db(), "session"));
        Thread.sleep(400);
        assertEquals(ExitCodes.NO_SUCH_KEY, Cli.run("get", db(), "session").exitCode());
        assertEquals(Duration.ofMinutes(30), PutCommand.parseDuration("30m"));
        assertEquals(Duration.ofDays(7), PutCommand.parseDuration("7d"));
        assertEquals(Duration.ofMinutes(90), PutCommand.parseDuration("PT1H30M"));
        Cli.Run bad = Cli.run("put", db(), "k", "1", "--ttl", "soon");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--ttl soon is not a duration"), bad.err());
    }

    @Test
    void aValueThatIsNotJsonIsAUsageErrorWithAHint() {
        Cli.Run run = Cli.run("put", db(), "greeting", "hello");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
        assertEquals("viper: VALUE is not JSON: a value was expected, found 'h' at character 1; write a string in "
                + "double quotes ('\"hello\"'), or use --string hello\n", run.err());
        assertEquals("", run.out());
        assertFalse(Files.exists(tmp.resolve("db")), "nothing is created for a refused value");
        assertEquals(ExitCodes.USAGE, Cli.run("put", db(), "k").exitCode(), "no value at all");
        assertEquals(ExitCodes.USAGE, Cli.run("put", db(), "k", "1", "--string", "2").exitCode(), "two values");
    }

    @Test
    void bytesGoInAndOutThroughFiles() throws Exception {
        byte[] bytes = {0, 1, 2, (byte) 0xff, 10, 13};
        Path in = tmp.resolve("in.bin");
        Files.write(in, bytes);
        Cli.Run put = Cli.run("put", "--codec", "bytes", db(), "blob", "--file", in.toString());
        ok(put);
        assertTrue(put.err().contains("(codec bytes)"), put.err());
        assertEquals("{\"@type\":\"bytes\",\"value\":\"AAEC/woN\"}\n", Cli.run("get", db(), "blob").out());
        Path out = tmp.resolve("out.bin");
        ok(Cli.run("get", db(), "blob", "--file", out.toString()));
        assertArrayEquals(bytes, Files.readAllBytes(out));
        ok(Cli.run("put", db(), "text", "--string", "héllo"));
        try (KeyValueStore<byte[]> store = KeyValueStore.open(tmp.resolve("db"))) {
            assertArrayEquals("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8), store.get("text"));
        }
        Cli.Run refused = Cli.run("put", db(), "n", "42");
        assertEquals(ExitCodes.CODEC, refused.exitCode(), refused.toString());
        assertTrue(refused.err().startsWith("viper: Codec 'bytes' cannot encode a value of type java.lang.Integer"),
                refused.err());
    }

    @Test
    void aFileTooLargeForAValueIsRefusedBeforeItIsReadAndNoStoreIsCreated() throws Exception {
        Path big = tmp.resolve("big.bin");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(1100L << 20); // sparse: no disk space, and reading it would take seconds and 1.1 GB
        }
        Cli.Run run = Cli.run("put", "--codec", "bytes", db(), "big", "--file", big.toString());
        assertEquals(ExitCodes.CODEC, run.exitCode(), run.toString());
        assertEquals("viper: --file " + big + " is 1,100.0 MiB; a value holds at most 1,023 MiB\n", run.err());
        assertFalse(Files.exists(tmp.resolve("db")), "no store created");

        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(KeyValueStore.MAX_VALUE_BYTES + 1L);
        }
        Cli.Run justOver = Cli.run("put", "--codec", "bytes", db(), "big", "--file", big.toString());
        assertEquals(ExitCodes.CODEC, justOver.exitCode(), justOver.toString());
        assertTrue(justOver.err().contains(" is 1,023.1 MiB; "), "rounded up, never down to the limit: "
                + justOver.err());
    }

    @Test
    void putOfAFileThatIsADirectoryOrMissingNamesThePath() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));
        Cli.Run onDirectory = Cli.run("put", db(), "k", "--file", dir.toString());
        assertEquals(ExitCodes.USAGE, onDirectory.exitCode(), onDirectory.toString());
        assertEquals("viper: --file " + dir + " is a directory, not a file\n", onDirectory.err());
        Path missing = tmp.resolve("missing.bin");
        Cli.Run onMissing = Cli.run("put", db(), "k", "--file", missing.toString());
        assertEquals(ExitCodes.FAILED, onMissing.exitCode(), onMissing.toString());
        assertEquals("viper: no such file: " + missing + "\n", onMissing.err());
        assertFalse(Files.exists(tmp.resolve("db")), "no store created");
    }

    @Test
    void rmRemovesAndSaysWhenTheKeyWasNotThere() {
        ok(Cli.run("put", db(), "k", "1"));
        ok(Cli.run("rm", db(), "k"));
        Cli.Run again = Cli.run("rm", db(), "k");
        assertEquals(ExitCodes.NO_SUCH_KEY, again.exitCode(), again.toString());
        assertEquals("viper: no key 'k' in " + db() + "\n", again.err());
        Cli.Run get = Cli.run("get", db(), "k");
        assertEquals(ExitCodes.NO_SUCH_KEY, get.exitCode());
        assertEquals("viper: no key 'k' in " + db() + "\n", get.err());
    }

    @Test
    void keysAndScanAreSortedAndTakeAPrefixAndALimit() {
        for (String key : List.of("user:2", "order:1", "user:1", "user:3", "vendor:1")) {
            ok(Cli.run("put", db(), key, "{\"id\":\"" + key + "\"}"));
        }
        assertEquals("order:1\nuser:1\nuser:2\nuser:3\nvendor:1\n", Cli.run("keys", db()).out());
        assertEquals("user:1\nuser:2\n", Cli.run("keys", db(), "--prefix", "user:", "--limit", "2").out());
        assertEquals("", Cli.run("keys", db(), "--prefix", "nobody").out());
        Cli.Run scan = Cli.run("scan", db(), "--prefix", "user:");
        ok(scan);
        assertEquals("""
                {"key":"user:1","value":{"id":"user:1"}}
                {"key":"user:2","value":{"id":"user:2"}}
                {"key":"user:3","value":{"id":"user:3"}}
                """, scan.out());
        assertEquals(1, Cli.run("scan", db(), "--limit", "1").out().lines().count());
    }

    @Test
    void keysAndScanTakeARangeAndGoInReverse() {
        for (String key : List.of("b", "a", "c", "ab", "d")) {
            ok(Cli.run("put", db(), key, "1"));
        }
        assertEquals("d\nc\nb\nab\na\n", Cli.run("keys", db(), "--reverse").out());
        assertEquals("ab\nb\n", Cli.run("keys", db(), "--from", "ab", "--to", "c").out(), "--to is exclusive");
        assertEquals("c\nb\n", Cli.run("keys", db(), "--from", "b", "--reverse", "--limit", "2", "--to", "d").out());
        assertEquals("a\nab\n", Cli.run("keys", db(), "--prefix", "a").out());
        assertEquals("{\"key\":\"d\",\"value\":1}\n", Cli.run("scan", db(), "--reverse", "--limit", "1").out());
        for (String command : List.of("keys", "scan")) {
            Cli.Run run = Cli.run(command, db(), "--prefix", "a", "--from", "b");
            assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
            assertEquals("viper: --prefix cannot be combined with --from or --to\n", run.err(), command);
        }
    }

    @Test
    void aNegativeLimitIsAUsageErrorThatSaysWhichOption() {
        ok(Cli.run("put", db(), "k", "1"));
        for (String command : List.of("keys", "scan")) {
            Cli.Run run = Cli.run(command, db(), "--limit", "-1");
            assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
            assertEquals("viper: --limit must be at least 0 (was -1)\n", run.err(), command);
        }
        assertEquals("", Cli.run("keys", db(), "--limit", "0").out());
    }

    @Test
    void infoShowsTheStoreStats() {
        ok(Cli.run("put", db(), "a", "1"));
        ok(Cli.run("put", db(), "a", "2"));
        ok(Cli.run("put", db(), "b", "\"x\""));
        Cli.Run info = Cli.run("info", db());
        ok(info);
        String out = info.out();
        for (String line : List.of("store         " + db(), "codec         json", "format        version 1",
                "live keys     2", "last reclaim  never", "00000001.vlog", "viper.manifest")) {
            assertTrue(out.contains(line), "'" + line + "' in\n" + out);
        }
        assertTrue(out.matches("(?s).*dead bytes    \\d+ B \\(\\d+% of the records; reclaim drops them\\).*"), out);
    }

    @Test
    void readCommandsNeverCreateAStore() {
        for (List<String> command : List.of(List.of("get", db(), "k"), List.of("info", db()), List.of("keys", db()),
                List.of("scan", db()), List.of("rm", db(), "k"), List.of("verify", db()), List.of("reclaim", db()),
                List.of("export", db()))) {
            Cli.Run run = Cli.run(command.toArray(String[]::new));
            assertEquals(ExitCodes.NO_STORE, run.exitCode(), command + ": " + run);
            assertEquals("viper: no store at " + db() + ": the directory does not exist\n", run.err(), command + "");
            assertFalse(Files.exists(tmp.resolve("db")), command + " created the directory");
        }
    }

    @Test
    void anEmptyDirectoryOrAFileIsNoStore() throws Exception {
        Files.createDirectories(tmp.resolve("db"));
        Cli.Run empty = Cli.run("info", db());
        assertEquals(ExitCodes.NO_STORE, empty.exitCode());
        assertEquals("viper: no store at " + db() + ": the directory holds no viper.manifest\n", empty.err());
        assertEquals(List.of(), Files.list(tmp.resolve("db")).toList(), "nothing written into it");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Cli.Run onFile = Cli.run("get", file.toString(), "k");
        assertEquals(ExitCodes.NO_STORE, onFile.exitCode());
        assertTrue(onFile.err().contains("it is a file, not a directory"), onFile.err());
    }

    @Test
    void aStoreOpenElsewhereIsReportedAsLocked() {
        ok(Cli.run("put", db(), "k", "1"));
        try (KeyValueStore<Object> holder = KeyValueStore.open(tmp.resolve("db"))) {
            Cli.Run run = Cli.run("get", db(), "k");
            assertEquals(ExitCodes.LOCKED, run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("viper: Store at "), run.err());
            assertTrue(run.err().contains("is already open"), run.err());
            assertEquals(1, run.err().lines().count(), "one line, no stack trace: " + run.err());
        }
        ok(Cli.run("get", db(), "k"));
    }

    @Test
    void verboseAddsTheStackTrace() {
        ok(Cli.run("put", db(), "k", "1"));
        try (KeyValueStore<Object> holder = KeyValueStore.open(tmp.resolve("db"))) {
            Cli.Run run = Cli.run("get", "--verbose", db(), "k");
            assertEquals(ExitCodes.LOCKED, run.exitCode());
            assertTrue(run.err().contains("io.viperdb.StoreLockedException"), run.err());
            assertTrue(run.err().contains("\tat "), run.err());
            Cli.Run before = Cli.run("--verbose", "get", db(), "k");
            assertTrue(before.err().contains("\tat "), "--verbose before the command too: " + before.err());
        }
    }

    @Test
    void unknownAndMismatchedCodecsAreReported() {
        Cli.Run unknown = Cli.run("put", "--codec", "nope", db(), "k", "1");
        assertEquals(ExitCodes.CODEC, unknown.exitCode(), unknown.toString());
        assertEquals("viper: no codec named 'nope' is on viper's module path; available: bytes, json, kryo (add the "
                + "jar of the module that provides it with VIPER_MODULE_PATH)\n", unknown.err());
        assertFalse(Files.exists(tmp.resolve("db")));

        Cli.Run invalid = Cli.run("put", "--codec", "No Such", db(), "k", "1");
        assertEquals(ExitCodes.USAGE, invalid.exitCode(), invalid.toString());

        ok(Cli.run("put", db(), "k", "1"));
        Cli.Run mismatch = Cli.run("put", "--codec", "kryo", db(), "k", "2");
        assertEquals(ExitCodes.CODEC, mismatch.exitCode(), mismatch.toString());
        assertTrue(mismatch.err().contains("was written with codec 'json'; it was opened with codec 'kryo'"),
                mismatch.err());
    }

    @Test
    void aStoreWrittenWithACodecNotOnThePathIsReportedByTheCommandsThatNeedItsValues() {
        ValueCodec<String> reversed = new ValueCodec<>() {
            @Override
            public String name() {
                return "reversed";
            }

            @Override
            public byte[] encode(String value) {
                return new StringBuilder(value).reverse().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public String decode(ByteBuffer bytes) {
                return "";
            }
        };
        try (KeyValueStore<String> store = KeyValueStore.open(tmp.resolve("db"),
                StoreOptions.builder().codec(reversed).build())) {
            store.put("k", "v");
        }
        Cli.Run run = Cli.run("get", db(), "k");
        assertEquals(ExitCodes.CODEC, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("viper: the store at " + db() + " was written with codec 'reversed', which is "
                + "not on viper's module path"), run.err());
        // The commands that need no values open it all the same.
        assertEquals(ExitCodes.OK, Cli.run("info", db()).exitCode());
        assertEquals("k\n", Cli.run("keys", db()).out());
        assertEquals(ExitCodes.OK, Cli.run("verify", db()).exitCode());
    }

    @Test
    void usageErrorsSayWhatWasWrongAndWhereToLook() {
        Cli.Run missing = Cli.run("get", db());
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertEquals("viper: Missing required parameter: 'KEY'\nRun 'viper get --help' for usage.\n", missing.err());
        Cli.Run unknown = Cli.run("frobnicate");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().startsWith("viper: Unmatched argument at index 0: 'frobnicate'"), unknown.err());
        assertEquals(ExitCodes.USAGE, Cli.run().exitCode(), "no command");
    }

    @Test
    void everyCommandHasHelpWithAnExample() {
        Cli.Run top = Cli.run("--help");
        ok(top);
        assertTrue(top.out().contains("Exit codes:"), top.out());
        List<String> commands = List.of("demo", "info", "get", "put", "rm", "keys", "scan", "export", "import",
                "verify", "reclaim", "completion");
        for (String command : commands) {
            assertTrue(top.out().contains("  " + command + " "), command + " listed in\n" + top.out());
            Cli.Run help = Cli.run(command, "--help");
            ok(help);
            assertTrue(help.out().startsWith("Usage: viper " + command), help.out());
            assertTrue(help.out().contains("Example"), command + " has an example:\n" + help.out());
            assertTrue(help.out().contains("viper " + command), help.out());
        }
        assertTrue(Cli.run("--version").out().startsWith("viper "));
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        Cli.Run run = Cli.run("completion");
        ok(run);
        assertTrue(run.out().startsWith("#!/usr/bin/env bash"), run.out().substring(0, 100));
        assertTrue(run.out().contains("complete -F _complete_viper"), "registers the function");
        for (String command : List.of("export", "import", "verify", "reclaim")) {
            assertTrue(run.out().contains(command), command);
        }
    }

    @Test
    void theDemoWritesReadsReopensReclaimsAndCleansUp() {
        Cli.Run run = Cli.run("demo", "--keys", "2000");
        ok(run);
        for (String expected : List.of("ViperDB demo: 2,000 keys", "opened a new store (codec json)",
                "wrote 2,000 keys in", "read back and checked 2,000 keys", "the session has expired:   null",
                "closed and reopened in", "1,001 live keys", "reclaimed: ", "kept 1,001 records", ": sound",
                "every value checked after the reclaim", "done; deleted")) {
            assertTrue(run.out().contains(expected), "'" + expected + "' in:\n" + run.out());
        }
        String dir = run.out().lines().reduce((a, b) -> b).orElseThrow().replace("done; deleted ", "");
        assertFalse(Files.exists(Path.of(dir)), dir);

        ok(Cli.run("demo", "--keys", "100", "--dir", db()));
        Cli.Run info = Cli.run("info", db());
        assertTrue(info.out().contains("live keys     51"), info.out());
    }

    @Test
    void theDemoRefusesADirectoryThatHoldsAnythingAndTouchesNothing() throws Exception {
        ok(Cli.run("put", db(), "user:0", "\"mine\""));
        Map<String, String> store = DirectoryContents.of(tmp.resolve("db"));
        Cli.Run onStore = Cli.run("demo", "--keys", "100", "--dir", db());
        assertEquals(ExitCodes.USAGE, onStore.exitCode(), onStore.toString());
        assertEquals("viper: --dir " + db() + " is not empty: the demo writes a store of its own there; give a new "
                + "or empty directory\n", onStore.err());
        assertEquals("", onStore.out());
        assertEquals(store, DirectoryContents.of(tmp.resolve("db")), "every file as it was");
        assertEquals("\"mine\"\n", Cli.run("get", db(), "user:0").out());

        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "buy milk");
        Cli.Run onFiles = Cli.run("demo", "--keys", "100", "--dir", notes.toString());
        assertEquals(ExitCodes.USAGE, onFiles.exitCode(), onFiles.toString());
        assertEquals(List.of(notes.resolve("todo.txt")), Files.list(notes).toList());

        Path file = Files.writeString(tmp.resolve("file"), "x");
        Cli.Run onFile = Cli.run("demo", "--keys", "100", "--dir", file.toString());
        assertEquals(ExitCodes.USAGE, onFile.exitCode(), onFile.toString());
        assertEquals("viper: --dir " + file + " is a file; give a new or empty directory\n", onFile.err());
        assertEquals("x", Files.readString(file));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ok(Cli.run("demo", "--keys", "100", "--dir", empty.toString()));
        assertTrue(Cli.run("info", empty.toString()).out().contains("live keys     51"));
    }
}
