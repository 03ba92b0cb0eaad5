package io.viperdb.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * The machine a run was made on, as the report prints it: read from {@code /proc} and {@code /etc/os-release} on
 * Linux, from system properties elsewhere (with "unknown" for what they do not say).
 *
 * @param cpu the processor model
 * @param cores the processors available to the JVM
 * @param memoryBytes the physical memory, or -1 if unknown
 * @param os the operating system and its version (kernel)
 * @param jdk the Java runtime: vendor, name and version
 * @param fileSystem the type of file system the stores' files were on
 */
public record Machine(String cpu, int cores, long memoryBytes, String os, String jdk, String fileSystem) {

    /** Describes this machine, with the file system of {@code dataDirectory}. */
    public static Machine describe(Path dataDirectory) {
        return new Machine(readCpu(), Runtime.getRuntime().availableProcessors(), readMemory(), readOs(), readJdk(),
                fileSystem(dataDirectory));
    }

    private static String readCpu() {
        return firstValue(Paths.get("/proc/cpuinfo"), "model name")
                .orElse(System.getProperty("os.arch") + " (model unknown)");
    }

    private static long readMemory() {
        return firstValue(Paths.get("/proc/meminfo"), "MemTotal")
                .map(value -> Long.parseLong(value.replaceAll("[^0-9]", "")) * 1024)
                .orElse(-1L);
    }

    private static String readOs() {
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
        return firstValue(Paths.get("/etc/os-release"), "PRETTY_NAME", '=')
                .map(name -> name.replace("\"", "") + ", " + kernel)
                .orElse(kernel);
    }

    private static String readJdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
    }

    private static String fileSystem(Path directory) {
        try {
            return Files.getFileStore(directory).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Optional<String> firstValue(Path file, String key) {
        return firstValue(file, key, ':');
    }

    private static Optional<String> firstValue(Path file, String key, char separator) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int at = line.indexOf(separator);
                if (at > 0 && line.substring(0, at).trim().equals(key)) {
                    return Optional.of(line.substring(at + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the caller says "unknown" its own way.
        }
        return Optional.empty();
    }
}
