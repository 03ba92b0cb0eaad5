package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    private record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private static Path script() {
        String root = System.getProperty("viper.cli.root");
        if (root == null) {
            throw new IllegalStateException("viper.cli.root is not set: run the integration tests with Maven (verify)");
        }
        return Path.of(root, "viper");
    }

    /** Runs {@code command} with bash in {@code dir}, where {@code viper} is the script. */
    private static Result shell(Path dir, String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "viper() { \"$VIPER\" \"$@\"; }; " + command)
                .directory(dir.toFile());
        builder.environment().put("VIPER", script().toString());
        builder.environment().put("VIPER_SKIP_BUILD", "1");
        builder.environment().put("VIPER_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
}
