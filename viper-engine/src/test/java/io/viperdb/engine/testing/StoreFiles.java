package io.viperdb.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Real-file operations for recovery tests: snapshots of a store directory and the damage a crash or a disk does. */
public final class StoreFiles {
    private StoreFiles() {
    }

    /**
     * Copies the store files of {@code from} into the empty or absent directory {@code to}, as the operating system
     * holds them at this moment: what a crash of the process that has the store open would leave behind. The lock
     * file is not copied: the lock belongs to the process, not to the data. A file that the store renames or deletes
     * while the copy is made (a checkpoint's temporary index file, renamed once written) is left out.
     */
    public static void snapshot(Path from, Path to) {
        try {
            Files.createDirectories(to);
            for (Path file : list(from)) {
                if (!file.getFileName().toString().equals("viper.lock")) {
                    try {
                        Files.copy(file, to.resolve(file.getFileName()));
                    } catch (NoSuchFileException e) {
                        // Gone since the listing.
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The regular files in {@code dir}, sorted by name. */
    public static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files in {@code dir} whose names end with {@code suffix}, sorted. */
    public static List<Path> withSuffix(Path dir, String suffix) {
        return list(dir).stream().filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
    }

    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inverts the bits of {@code mask} in the byte at {@code offset}. */
    public static void flip(Path file, long offset, int mask) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ mask));
            one.rewind();
            channel.write(one, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void append(Path file, byte[] bytes) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code file} if there is one. */
    public static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
