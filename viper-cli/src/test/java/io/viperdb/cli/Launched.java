package io.viperdb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code viper} script at the repository root, as the integration tests start it in real JVMs: told not to build
 * ({@code VIPER_SKIP_BUILD=1}, since they run inside the build that made its jars), with a small JVM.
 */
final class Launched {

    /** What a run printed, and its exit code. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Launched() {
    }

    /** The script; the build passes the repository root as {@code viper.cli.root}. */
    static Path script() {
        String root = System.getProperty("viper.cli.root");
        if (root == null) {
            throw new IllegalStateException("viper.cli.root is not set: run the integration tests with Maven (verify)");
        }
        return Path.of(root, "viper");
    }

    /** Sets what every run of the script gets: no build, and a JVM that starts fast. */
    static ProcessBuilder prepare(ProcessBuilder builder) {
        builder.environment().put("VIPER_SKIP_BUILD", "1");
        builder.environment().put("VIPER_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m");
        return builder;
    }

    /** Waits for {@code process} (two minutes at most), reading what it prints; {@code what} names it in a failure. */
    static Result finish(Process process, String what) throws InterruptedException {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + what);
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
