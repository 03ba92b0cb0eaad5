package io.viperdb.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Starts the programs of the viper-it module in child JVMs, as a user would launch them. */
final class JavaProcess {

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String JAVAC = Path.of(System.getProperty("java.home"), "bin", "javac").toString();

    /** The module path Maven assembled: every runtime jar, then this module's own jar. */
    static String modulePath() {
        return required("viper.it.module-path");
    }

    static Path modulesDirectory() {
        return Path.of(required("viper.it.modules"));
    }

    static Path itJar() {
        return Path.of(required("viper.it.jar"));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(property + " is not set: run the integration tests with Maven (verify)");
        }
        return value;
    }

    /** Every runtime jar, in a stable order. */
    static List<Path> runtimeJars() {
        try (Stream<Path> jars = Files.list(modulesDirectory())) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    /** Starts {@code module/mainClass} on {@code modulePath}; standard error is merged into standard output. */
    static Process startModuleOn(String modulePath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "--module-path", modulePath, "--module", "io.viperdb.it/" + mainClass));
        command.addAll(List.of(args));
        return start(command);
    }

    static Process startModule(String mainClass, String... args) {
        return startModuleOn(modulePath(), mainClass, args);
    }

    static Process startClassPath(String classPath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return start(command);
    }

    static Process start(List<String> command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exit code and output of a finished process. */
    record Result(int exitCode, String output) {
    }

    /** Waits for {@code process}, killing it after {@code seconds}, and returns what it printed. */
    static Result finish(Process process, long seconds) {
        Lines lines = new Lines(process);
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("timed out after " + seconds + " s; output:\n" + lines.joined());
            }
            lines.reader.join(5_000);
            return new Result(process.exitValue(), lines.joined());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads a process's output line by line on a thread of its own, so a test can wait for a line. */
    static final class Lines {
        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();
        private final Thread reader;

        Lines(Process process) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        synchronized (all) {
                            all.add(line);
                        }
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // The process was killed: what it printed before is all there is.
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits up to {@code seconds} for a line that starts with {@code prefix}, and returns it. */
        String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String line = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s; got:\n"
                            + joined());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        /** Waits until the process's output has ended (after it exits or is killed). */
        List<String> drain() throws InterruptedException {
            reader.join(10_000);
            synchronized (all) {
                return List.copyOf(all);
            }
        }

        String joined() {
            synchronized (all) {
                return String.join("\n", all);
            }
        }
    }
}
