package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.viperdb.KeyValueStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.viperdb.cli.Launched.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code viper} script at the repository root, run as a user runs it, in real JVMs on the module path that the
 * build just assembled: the command line module finds the engine and both codecs through ServiceLoader. The script
 * is told not to build ({@code VIPER_SKIP_BUILD=1}), since this runs inside the build that made its jars.
 */
class LauncherIT {

    @TempDir
    Path cwd;

    /** Runs {@code command} with bash in {@code dir}, where {@code viper} is the script. */
    private static Result shell(Path dir, String command) throws IOException, InterruptedException {
        return shell(dir, command, Map.of());
    }

    /**
     * Runs {@code command} with bash in {@code dir}, where {@code viper} is the script, with {@code environment}
     * changed: each name set to its value, or removed where the value is empty. The command goes to bash in a file
     * of UTF-8 text, not as an argument, which this JVM would encode in its own locale's character set.
     */
    private static Result shell(Path dir, String command, Map<String, String> environment)
            throws IOException, InterruptedException {
        Path commands = Files.createTempFile("viper-launcher-it-", ".sh");
        Files.writeString(commands, "viper() { \"$VIPER\" \"$@\"; }\n" + command + "\n", StandardCharsets.UTF_8);
        try {
            return run(new ProcessBuilder("bash", commands.toString()), dir, environment);
        } finally {
            Files.delete(commands);
        }
    }

    private static Result run(ProcessBuilder builder, Path dir, Map<String, String> environment)
            throws IOException, InterruptedException {
        builder.directory(dir.toFile());
        builder.environment().put("VIPER", Launched.script().toString());
        Launched.prepare(builder);
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return Launched.finish(builder.start(), String.valueOf(builder.command()));
    }

    @Test
    void theDemoRunsOnTheModulePath() throws Exception {
        Result demo = shell(cwd, "viper demo --keys 3000");
        assertEquals(0, demo.exitCode(), demo.toString());
        for (String expected : List.of("ViperDB demo: 3,000 keys", "opened a new store (codec json)",
                "read back and checked 3,000 keys", "the session has expired:   null", "kept 1,501 records",
                ": sound", "done; deleted")) {
            assertTrue(demo.out().contains(expected), "'" + expected + "' in\n" + demo);
        }
    }

    @Test
    void storePathsAreRelativeToTheUsersDirectory() throws Exception {
        Result put = shell(cwd, "viper put db greeting '\"hello, world\"'");
        assertEquals(0, put.exitCode(), put.toString());
        assertEquals("viper: created a new store at db (codec json)\n", put.err());
        assertTrue(Files.isRegularFile(cwd.resolve("db/viper.manifest")), "the store is in the user's directory");

        Path sub = Files.createDirectories(cwd.resolve("sub"));
        Result get = shell(sub, "viper get ../db greeting");
        assertEquals(0, get.exitCode(), get.toString());
        assertEquals("\"hello, world\"\n", get.out());
    }

    @Test
    void bothCodecsWorkAndDataMovesThroughAPipe() throws Exception {
        List<String> commands = new ArrayList<>(List.of(
                "viper put --codec kryo kdb when '{\"@type\":\"java.time.LocalDate\",\"value\":\"2026-11-25\"}'",
                "viper put kdb n '{\"@type\":\"long\",\"value\":5}'",
                "viper export kdb | viper import --codec kryo kcopy",
                "viper scan kcopy"));
        Result run = shell(cwd, String.join(" && ", commands));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().endsWith("""
                {"key":"n","value":{"@type":"long","value":5}}
                {"key":"when","value":{"@type":"java.time.LocalDate","value":"2026-11-25"}}
                """), run.toString());
    }

    @Test
    void anErrorIsOneLineAndAnExitCode() throws Exception {
        Result get = shell(cwd, "viper get nowhere greeting");
        assertEquals(4, get.exitCode(), get.toString());
        assertEquals("viper: no store at nowhere: the directory does not exist\n", get.err());
        assertEquals("", get.out());
        assertFalse(Files.exists(cwd.resolve("nowhere")));

        Result usage = shell(cwd, "viper get");
        assertEquals(2, usage.exitCode(), usage.toString());
    }

    /** The C locale, whose character set is ASCII, with no LANG or LC_ variable to say otherwise. */
    private static final Map<String, String> C_LOCALE = Map.of("LC_ALL", "C", "LANG", "", "LC_CTYPE", "");

    @Test
    void argumentsReachTheStoreUnmangledInALocaleThatIsNotUtf8() throws Exception {
        Result run = shell(cwd, "viper put db café '\"crème\"' && viper keys db && viper get db café", C_LOCALE);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("café\n\"crème\"\n", run.out());
        try (KeyValueStore<Object> store = KeyValueStore.open(cwd.resolve("db"))) {
            assertEquals(Set.of("café"), store.keys());
            assertEquals("crème", store.get("café"));
        }
    }

    @Test
    void anArgumentThatCouldNotBeDecodedIsRefusedAndNothingIsStored() throws Exception {
        // Latin-1 bytes (é is 0xE9), which are not UTF-8: the launcher's UTF-8 locale decodes them as U+FFFD.
        Result latin1 = shell(cwd, "viper put db $'caf\\xe9' 1", C_LOCALE);
        assertEquals(2, latin1.exitCode(), latin1.toString());
        assertTrue(latin1.err().startsWith("viper: argument 3 (\"caf\uFFFD\") holds bytes that are not text in "),
                latin1.err());
        assertFalse(Files.exists(cwd.resolve("db")), "nothing created");

        // The JVM run without the launcher, in the C locale: it decodes every byte beyond ASCII as U+FFFD.
        Path target = Path.of(System.getProperty("viper.cli.root"), "viper-cli", "target");
        Path jar;
        try (Stream<Path> files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("viper-cli-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(cwd.resolve("put.sh"), "exec \"" + java + "\" --module-path \"" + target.resolve("modules")
                + ":" + jar + "\" --add-modules ALL-MODULE-PATH -m io.viperdb.cli/io.viperdb.cli.Viper put db café "
                + "'\"crème\"'\n", StandardCharsets.UTF_8);
        Result direct = run(new ProcessBuilder("bash", "put.sh"), cwd, C_LOCALE);
        assertEquals(2, direct.exitCode(), direct.toString());
        assertTrue(direct.err().startsWith("viper: argument 3 (\"caf\uFFFD\uFFFD\") holds bytes that are not text in "
                + "this locale's character set (ANSI_X3.4-1968)"), direct.err());
        assertFalse(Files.exists(cwd.resolve("db")), "nothing created");
    }

    @Test
    void whatRecoveryLogsIsOneLineOfViperWithoutADate() throws Exception {
        assertEquals(0, shell(cwd, "viper put db k '\"a\"'").exitCode());
        // A torn tail: bytes after the last record of the active value log, as an interrupted write leaves, and no
        // index file, as a crash before the first checkpoint leaves: the open replays the log and cuts the tail.
        Files.delete(cwd.resolve("db/viper.index"));
        Files.write(cwd.resolve("db/00000001.vlog"), "garbage!garbage!".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        Result put = shell(cwd, "viper put db k2 '\"b\"'");
        assertEquals(0, put.exitCode(), put.toString());
        List<String> lines = put.err().lines().toList();
        assertEquals(1, lines.size(), "one line: " + put.err());
        assertTrue(lines.get(0).matches("viper: warning: Cut off 16 bytes at offset \\d+ of .*00000001\\.vlog, the "
                + "tail of an interrupted write \\(.*\\)"), lines.get(0));
        assertEquals("\"b\"\n", shell(cwd, "viper get db k2").out());
    }

    /** Whether this JVM ignores SIGINT, which its children then ignore too (a shell's background job does). */
    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    @Test
    void anImportInterruptedWithCtrlCSaysWhatItImportedAndTheStoreHoldsIt() throws Exception {
        assumeFalse(sigintIgnored(), "SIGINT is ignored here, and would be in the viper it starts");
        Process viper = Launched.prepare(new ProcessBuilder(Launched.script().toString(), "import", "db")
                .directory(cwd.toFile())).start(); // the script execs java: the pid is the JVM's
        CompletableFuture<Result> ended = CompletableFuture.supplyAsync(() -> {
            try {
                return Launched.finish(viper, "viper import db");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        java.io.Writer input = new java.io.OutputStreamWriter(viper.getOutputStream(), StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            input.write("{\"key\":\"k" + i + "\",\"value\":" + i + "}\n");
        }
        input.flush(); // and kept open: the import waits for more, as it would for a slow pipe
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.notExists(cwd.resolve("db/viper.lock")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1500); // for the lines in the pipe to be read and imported
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(viper.pid())).start().waitFor());
        assertTrue(viper.waitFor(60, TimeUnit.SECONDS), "viper ends on SIGINT");
        try {
            input.close();
        } catch (IOException e) {
            // The pipe's reader is gone.
        }
        Result result = ended.join();
        String errors = result.err();
        assertEquals(130, result.exitCode(), errors);
        assertEquals("", result.out());
        java.util.regex.Matcher said = java.util.regex.Pattern.compile("viper: interrupted: imported ([\\d,]+) keys? "
                + "into db before the interruption; they are in the store\n").matcher(errors);
        assertTrue(said.find(), errors);
        int imported = Integer.parseInt(said.group(1).replace(",", ""));
        assertTrue(imported > 0, errors);
        assertEquals("viper: created a new store at db (codec json)\n" + said.group(), errors,
                "the progress line cleared, and nothing else said");
        try (KeyValueStore<Object> store = KeyValueStore.open(cwd.resolve("db"))) {
            assertEquals(imported, store.size(), "every key it says it imported, and no other");
            for (int i = 0; i < imported; i++) {
                assertEquals(i, store.get("k" + i));
            }
        }
    }
}
