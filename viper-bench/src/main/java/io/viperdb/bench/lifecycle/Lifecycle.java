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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
        String label = store + "/" + valueSize;
        try {
            for (String phase : List.of(LifecycleRun.FILL, LifecycleRun.MEASURE)) {
                Outcome outcome = runChild(phase, store, keyCount, valueSize, directory, label);
                outcome.figures().forEach(result::put);
                if (outcome.failure() != null) {
                    result.fail(outcome.failure());
                    return result;
                }
            }
        } finally {
            Directories.delete(directory);
        }
        return result;
    }

    /**
     * What a child JVM produced.
     *
     * @param figures the figures it printed, also those before a failure
     * @param failure why the phase failed (it could not start, exited with another code than 0, or ran too long), or
     *     null
     */
    private record Outcome(Map<String, Double> figures, String failure) {
    }

    /** Runs one phase in a child JVM, echoing its figures, and its whole output if it fails. */
    private Outcome runChild(String phase, String store, int keyCount, int valueSize, Path directory, String label) {
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
        Map<String, Double> figures = new LinkedHashMap<>();
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            AtomicBoolean timedOut = killWhenLate(child, phase);
            List<String> output = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith(LifecycleRun.RESULT_PREFIX)) {
                        String[] fields = line.substring(LifecycleRun.RESULT_PREFIX.length()).split(" ");
                        figures.put(fields[0], Double.parseDouble(fields[1]));
                        System.out.println("  " + label + " " + fields[0] + " = " + fields[1]);
                    } else {
                        output.add(line);
                    }
                }
            }
            int exit = child.waitFor();
            String failure = null;
            if (timedOut.get()) {
                failure = phase + " did not finish in " + TIMEOUT_MINUTES + " minutes";
            } else if (exit != 0) {
                failure = phase + " failed (exit " + exit + "): " + lastException(output);
            }
            if (failure != null) {
                output.forEach(line -> System.out.println("  | " + line));
            }
            return new Outcome(figures, failure);
        } catch (IOException e) {
            return new Outcome(figures, phase + " could not start: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(figures, phase + " interrupted");
        }
    }

    /**
     * Kills {@code child} if it is still running after {@link #TIMEOUT_MINUTES}: its output is read to the end before
     * the harness waits for it, so a child that hangs would hang the harness too. The flag says whether it had to.
     */
    private static AtomicBoolean killWhenLate(Process child, String phase) {
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!child.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    timedOut.set(true);
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nothing interrupts it: a daemon thread, it ends with the JVM
            }
        }, "lifecycle-" + phase + "-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return timedOut;
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
