package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Opening stores for the commands. {@link KeyValueStore#open} creates a store where there is none, which is right for
 * {@code put} and {@code import} and wrong for every command that only reads: those check first that a store is there.
 */
final class Stores {

    /** The file every store has (see FORMAT.md); with segment files but without it, the engine reports the damage. */
    private static final String MANIFEST = "viper.manifest";

    private Stores() {
    }

    /**
     * Opens the store in {@code directory}, with {@code codec} when it is not null (the store's own otherwise).
     *
     * @throws CommandFailure with {@link ExitCodes#NO_STORE} if there is no store, never creating one
     */
    static KeyValueStore<Object> openExisting(Path directory, String codec) {
        if (!isStore(directory)) {
            throw new CommandFailure(ExitCodes.NO_STORE, noStore(directory));
        }
        return KeyValueStore.open(directory, options(codec));
    }

    /** Opens the store in {@code directory}, creating it (and saying so on {@code err}) when there is none. */
    static KeyValueStore<Object> openOrCreate(Path directory, String codec, PrintWriter err) {
        boolean exists = isStore(directory);
        KeyValueStore<Object> store = KeyValueStore.open(directory, options(codec));
        if (!exists) {
            err.println("viper: created a new store at " + directory + " (codec " + store.stats().codec() + ")");
        }
        return store;
    }

    static StoreOptions options(String codec) {
        return codec == null ? StoreOptions.defaults() : StoreOptions.builder().codec(codec).build();
    }

    static boolean isStore(Path directory) {
        if (Files.isRegularFile(directory.resolve(MANIFEST))) {
            return true;
        }
        if (!Files.isDirectory(directory)) {
            return false;
        }
        // Segment files without a manifest: a damaged store, which opening reports; never a reason to say "none".
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("\\d+\\.(vlog|klog)"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String noStore(Path directory) {
        if (!Files.exists(directory)) {
            return "no store at " + directory + ": the directory does not exist";
        }
        if (!Files.isDirectory(directory)) {
            return "no store at " + directory + ": it is a file, not a directory";
        }
        return "no store at " + directory + ": the directory holds no " + MANIFEST;
    }
}
