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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@link LifecycleRun} for one store and value size: its phases, each in a fresh JVM with the same flags and
 * class path as the JMH forks, on a store directory that is deleted afterwards. The {@code kill} phase's JVM is killed
 * here with {@link Process#destroyForcibly()}, which on Linux sends SIGKILL: the store gets no chance to close, flush
 * or run a shutdown hook.
 */
public final class Lifecycle {

    private static final long TIMEOUT_MINUTES = 60;

    private final Path dataDirectory;

    /** @param dataDirectory where the stores' directories go */
    public Lifecycle(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /**
     * Measures one store: fill, measure, then the kill and the open after it (see {@link LifecycleRun}); each phase
     * runs only if those before it succeeded. A failure is recorded in the result, never thrown; so is a store that
     * does not recover from the kill ({@link LifecycleResult#failAfterKill}).
     */
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
            Outcome kill = runChild(LifecycleRun.KILL, store, keyCount, valueSize, directory, label);
            if (kill.failure() != null) {
                result.fail(kill.failure());
                return result;
            }
            openAfterKill(result, keyCount, directory);
        } finally {
            Directories.delete(directory);
        }
        return result;
    }

    /**
     * Runs the {@code after-kill} phase on the store in {@code directory}, which the {@code kill} phase left, and puts
     * what it found into {@code result}: the time, or why the store did not recover, or why the phase failed.
     */
    void openAfterKill(LifecycleResult result, int keyCount, Path directory) {
        String label = result.store() + "/" + result.valueSize();
        Outcome afterKill = runChild(LifecycleRun.AFTER_KILL, result.store(), keyCount, result.valueSize(), directory,
                label);
        afterKill.figures().forEach(result::put);
        if (afterKill.failure() != null) {
            result.fail(afterKill.failure());
        } else if (afterKill.notRecovered() != null) {
            System.out.println("  " + label + " did not recover from the kill: " + afterKill.notRecovered());
            result.failAfterKill(afterKill.notRecovered());
        }
    }

    /**
     * Fills a store of {@code keyCount} keys of {@code result}'s store and value size, in a directory of its own, and
     * reopens it ({@link LifecycleRun}'s {@code fill} and {@code reopen}); puts the reopen time into {@code result} as
     * {@link LifecycleResult#LARGE_REOPEN_MILLIS}, or records why it could not be measured as that figure's failure.
     */
    public void measureLargeReopen(LifecycleResult result, int keyCount) {
        String store = result.store();
        int valueSize = result.valueSize();
        Path directory = dataDirectory.resolve(store + "-" + valueSize + "-reopen-" + keyCount);
        Directories.delete(directory);
        String label = String.format(Locale.ROOT, "%s/%d at %,d keys", store, valueSize, keyCount);
        try {
            Outcome fill = runChild(LifecycleRun.FILL, store, keyCount, valueSize, directory, label);
            if (fill.failure() != null) {
                result.failFigure(LifecycleResult.LARGE_REOPEN_MILLIS, label + ": " + fill.failure());
                return;
            }
            Outcome reopen = runChild(LifecycleRun.REOPEN, store, keyCount, valueSize, directory, label);
            Double millis = reopen.figures().get(LifecycleResult.REOPEN_MILLIS);
            if (reopen.failure() != null || millis == null) {
                result.failFigure(LifecycleResult.LARGE_REOPEN_MILLIS, label + ": "
                        + (reopen.failure() != null ? reopen.failure() : "reopen reported no time"));
                return;
            }
            result.put(LifecycleResult.LARGE_REOPEN_MILLIS, millis);
        } finally {
            Directories.delete(directory);
        }
    }

    /**
     * What a child JVM produced.
     *
     * @param figures the figures it printed, also those before a failure
     * @param failure why the phase failed (it could not start, exited with another code than 0, ran too long, or,
     *     for the {@code kill} phase, ended before it was ready to be killed), or null
     * @param notRecovered the reason the child gave for a store that did not recover from the kill, or null
     */
    private record Outcome(Map<String, Double> figures, String failure, String notRecovered) {
    }

    /**
     * Runs one phase in a child JVM, echoing its figures, and its whole output if it fails. When the child prints
     * {@link LifecycleRun#READY_TO_BE_KILLED}, kills it with SIGKILL: for that phase, being killed is success and
     * ending in any other way a failure.
     */
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
        String notRecovered = null;
        boolean killed = false;
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
                    } else if (line.equals(LifecycleRun.READY_TO_BE_KILLED)) {
                        child.destroyForcibly();
                        killed = true;
                        System.out.println("  " + label + " killed (SIGKILL) after its writes and flush");
                        break; // destroying the process closed its streams: there is nothing more to read
                    } else if (line.startsWith(LifecycleRun.NOT_RECOVERED)) {
                        notRecovered = line.substring(LifecycleRun.NOT_RECOVERED.length());
                    } else {
                        output.add(line);
                    }
                }
            }
            int exit = child.waitFor();
            String failure = null;
            if (timedOut.get()) {
                failure = phase + " did not finish in " + TIMEOUT_MINUTES + " minutes";
            } else if (phase.equals(LifecycleRun.KILL) && !killed) {
                failure = phase + " ended (exit " + exit + ") before it was ready to be killed: "
                        + lastException(output);
            } else if (!killed && exit != 0) {
                failure = phase + " failed (exit " + exit + "): " + lastException(output);
            }
            if (failure != null || notRecovered != null) {
                output.forEach(line -> System.out.println("  | " + line));
            }
            return new Outcome(figures, failure, notRecovered);
        } catch (IOException e) {
            return new Outcome(figures, phase + " could not start: " + e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(figures, phase + " interrupted", null);
        }
    }

    /**
     * Kills {@code child} if it is still running after {@link #TIMEOUT_MINUTES}: its output is read to the end before
     * the harness waits for it, so a child that hangs (a store that waits forever for a lock the killed process held)
     * would hang the harness too. The flag says whether it had to.
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
