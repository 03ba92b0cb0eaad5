package io.viperdb.bench.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The disk space a directory takes. Several stores make sparse files (Chronicle Map sizes its file for all its
 * entries up front; ViperDB and MapDB extend files ahead of their data), so the apparent size, the sum of the file
 * lengths, can overstate what is used. {@link #allocated} asks the file system, through {@code du}, how many bytes
 * are allocated, which is the space the files actually take.
 */
public final class DiskUsage {

    private DiskUsage() {
    }

    /**
     * The bytes allocated on the device for the files under {@code directory} ({@code du -s -B1}). Where {@code du}
     * is not available, the {@link #apparent} size instead.
     */
    public static long allocated(Path directory) {
        try {
            Process du = new ProcessBuilder("du", "-s", "-B1", directory.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (du.waitFor(30, TimeUnit.SECONDS) && du.exitValue() == 0 && !output.isEmpty()) {
                return Long.parseLong(output.split("\\s+")[0]);
            }
        } catch (IOException | NumberFormatException e) {
            // No du (or an unexpected answer): fall back to the sum of the file lengths below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return apparent(directory);
    }

    /** The sum of the lengths of the regular files under {@code directory}. */
    public static long apparent(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(DiskUsage::size).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // deleted while we looked: it takes no space
        }
    }
}
