package io.viperdb.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A harness phase run in a JVM of its own: the child prints each figure as a line {@code RESULT name value}
 * ({@link #report}), and the parent echoes every line and collects the figures ({@link #run}).
 */
public final class ChildJvm {

    private static final String RESULT = "RESULT ";

    private ChildJvm() {
    }

    /**
     * Runs {@code command}, echoing each line of its output after {@code prefix}, and returns the figures it reported.
     *
     * @throws IllegalStateException if it exits with a code other than 0 ({@code what} names it)
     */
    public static Map<String, Double> run(List<String> command, String prefix, String what)
            throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> results = new LinkedHashMap<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    String[] fields = line.substring(RESULT.length()).split(" ");
                    results.put(fields[0], Double.parseDouble(fields[1]));
                }
                System.out.println(prefix + line);
            }
        }
        if (child.waitFor() != 0) {
            throw new IllegalStateException(what + " failed with exit code " + child.exitValue());
        }
        return results;
    }

    /** In the child: reports a figure to the parent. */
    public static void report(String name, double value) {
        System.out.println(RESULT + name + " " + value);
    }
}
