package io.viperdb.bench.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the stores under test keep their files: a fresh directory per store opening, under the base directory named
 * by the system property {@value #PROPERTY} (the launcher sets it to {@code viper-bench/target/bench-data}, on the
 * same disk as the build; the default is the temporary directory, which may be a RAM disk).
 */
public final class Directories {

    /** The system property that names the base directory. */
    public static final String PROPERTY = "viper.bench.data";

    private Directories() {
    }

    /** The base directory, created if needed. */
    public static Path base() {
        String configured = System.getProperty(PROPERTY);
        Path base = configured != null ? Paths.get(configured)
                : Paths.get(System.getProperty("java.io.tmpdir"), "viper-bench");
        try {
            return Files.createDirectories(base.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the benchmark data directory " + base, e);
        }
    }

    /** A new, empty directory under the base, its name starting with {@code label}. */
    public static Path fresh(String label) {
        try {
            return Files.createTempDirectory(base(), label + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a directory under " + base(), e);
        }
    }

    /** Deletes {@code directory} and everything in it; nothing if it does not exist. */
    public static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }
}
