package io.viperdb.bench.lifecycle;

import io.viperdb.bench.JvmFlags;
import io.viperdb.bench.store.Directories;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LifecycleRun} for one store and value size: its two phases, each in a fresh JVM with the same flags and
 * class path as the JMH forks, on a store directory that is deleted afterwards.
 */
public final class Lifecycle {

    private static final long TIMEOUT_MINUTES = 60;

    private final Path dataDirectory;

    /** @param dataDirectory where the stores' directories go */
    public Lifecycle(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /** Measures one store; a failure is recorded in the result, never thrown. */
    public LifecycleResult measure(String store, int keyCount, int valueSize) {
        LifecycleResult result = new LifecycleResult(store, valueSize);
        Path directory = dataDirectory.resolve(store + "-" + valueSize + "-lifecycle");
        Directories.delete(directory);
        try {
            runChild(result, LifecycleRun.FILL, store, keyCount, valueSize, directory);
            if (result.failure() == null) {
                runChild(result, LifecycleRun.MEASURE, store, keyCount, valueSize, directory);
            }
        } finally {
            Directories.delete(directory);
        }
        return result;
    }

    private void runChild(LifecycleResult result, String phase, String store, int keyCount, int valueSize,
            Path directory) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JvmFlags.forMeasuringJvms(dataDirectory));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LifecycleRun.class.getName());
        command.add(phase);
        command.add(store);
        command.add(Integer.toString(keyCount));
        command.add(Integer.toString(valueSize));
        command.add(directory.toAbsolutePath().toString());
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> output = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith(LifecycleRun.RESULT_PREFIX)) {
                        String[] fields = line.substring(LifecycleRun.RESULT_PREFIX.length()).split(" ");
                        result.put(fields[0], Double.parseDouble(fields[1]));
                        System.out.println("  " + store + "/" + valueSize + " " + fields[0] + " = " + fields[1]);
                    } else {
                        output.add(line);
                    }
                }
            }
            if (!child.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                result.fail(phase + " did not finish in " + TIMEOUT_MINUTES + " minutes");
            } else if (child.exitValue() != 0) {
                output.forEach(line -> System.out.println("  | " + line));
                result.fail(phase + " failed (exit " + child.exitValue() + "): " + lastException(output));
            }
        } catch (IOException e) {
            result.fail(phase + " could not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.fail(phase + " interrupted");
        }
    }

    private static String lastException(List<String> output) {
        for (int i = output.size() - 1; i >= 0; i--) {
            String line = output.get(i);
            if (line.startsWith("Exception") || line.startsWith("Caused by")) {
                return line;
            }
        }
        return output.isEmpty() ? "no output" : output.get(output.size() - 1);
    }
}
