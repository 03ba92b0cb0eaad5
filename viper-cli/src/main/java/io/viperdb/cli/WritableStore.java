package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The store that {@code put} and {@code import} write to: the one in the directory, or a new one they create where
 * the directory is absent or empty; never one among a user's other files.
 *
 * <p>A store this command created is kept only when the command {@linkplain #keep() says so} (it wrote something, or
 * had nothing to write and did not fail); otherwise {@link #close()} removes the files it created, and the directory
 * if it created that too, so that a failed first {@code put} leaves nothing behind. "created a new store" is printed
 * only for a store that was created and kept.
 */
final class WritableStore implements AutoCloseable {

    private final Path directory;
    private final PrintWriter err;
    private final Creation creation;
    private final KeyValueStore<Object> store;
    private boolean keep;
    private boolean closed;

    /** What this command created: nothing (the store was there), the store's files, or the directory too. */
    private enum Creation { NONE, FILES, DIRECTORY }

    private WritableStore(Path directory, PrintWriter err, Creation creation, KeyValueStore<Object> store) {
        this.directory = directory;
        this.err = err;
        this.creation = creation;
        this.store = store;
    }

    /**
     * Opens the store in {@code directory} with {@code codec} (the store's own when null), creating it when the
     * directory is absent or empty.
     *
     * @throws CommandFailure with {@link ExitCodes#NO_STORE} if {@code directory} is a file, or a directory that
     *     holds files but no store: a store is never made among a user's other files
     */
    static WritableStore open(Path directory, String codec, PrintWriter err) {
        Creation creation;
        if (Stores.isStore(directory)) {
            creation = Creation.NONE;
        } else if (Files.isDirectory(directory)) {
            if (!isEmpty(directory)) {
                throw new CommandFailure(ExitCodes.NO_STORE, "no store at " + directory + ": the directory holds "
                        + "other files and no viper.manifest; put and import create a store only in a new or empty "
                        + "directory");
            }
            creation = Creation.FILES;
        } else if (Files.exists(directory)) {
            throw new CommandFailure(ExitCodes.NO_STORE, "no store at " + directory + ": it is a file, not a "
                    + "directory");
        } else {
            creation = Creation.DIRECTORY;
        }
        KeyValueStore<Object> store;
        try {
            store = KeyValueStore.open(directory, Stores.options(codec));
        } catch (RuntimeException e) {
            removeCreated(directory, creation);
            throw e;
        }
        return new WritableStore(directory, err, creation, store);
    }

    KeyValueStore<Object> store() {
        return store;
    }

    /** Keeps a store this command created: it holds what the command wrote, or the command had nothing to write. */
    void keep() {
        keep = true;
    }

    /** Closes the store; removes it if this command created it and did not {@link #keep()} it. Once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String codec = creation == Creation.NONE ? null : store.stats().codec();
        store.close();
        if (creation == Creation.NONE) {
            return;
        }
        if (keep) {
            err.println("viper: created a new store at " + directory + " (codec " + codec + ")");
        } else {
            removeCreated(directory, creation);
        }
    }

    /**
     * Deletes the files of a store created in an absent or empty directory, and the directory if it was absent. Only
     * the names a store's files have (FORMAT.md): anything else was put there by someone else meanwhile, and stays
     * (with the directory).
     */
    private static void removeCreated(Path directory, Creation creation) {
        if (creation == Creation.NONE || !Files.isDirectory(directory)) {
            return;
        }
        try {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    if (file.getFileName().toString().matches("viper\\.(manifest|lock|synced|index)|\\d+\\.(vlog|klog)"
                            + "|.*\\.tmp")) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            if (creation == Creation.DIRECTORY && isEmpty(directory)) {
                Files.delete(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the store this command created in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }
}
