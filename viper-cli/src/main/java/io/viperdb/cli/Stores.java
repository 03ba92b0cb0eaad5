package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.UnknownCodecException;
import java.io.IOException;
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

    /**
     * Opens the store in {@code directory} read-only, with the codec it was written with: nothing in the directory is
     * written, so a store on a read-only file system, of another user or held read-only by others can be read.
     *
     * @throws CommandFailure with {@link ExitCodes#NO_STORE} if there is no store, or with {@link ExitCodes#CODEC}
     *     naming what to add if the store's codec is not on viper's module path
     */
    static KeyValueStore<Object> openReadOnly(Path directory) {
        if (!isStore(directory)) {
            throw new CommandFailure(ExitCodes.NO_STORE, noStore(directory));
        }
        try {
            return KeyValueStore.open(directory, StoreOptions.builder().readOnly().build());
        } catch (UnknownCodecException e) {
            throw new CommandFailure(ExitCodes.CODEC, codecMissing(directory, e));
        }
    }

    /**
     * Opens the store in {@code directory} read-only, whatever codec wrote it, for commands that need no values
     * ({@code info}, {@code keys}, {@code verify}): values come back as their stored bytes.
     *
     * @throws CommandFailure with {@link ExitCodes#NO_STORE} if there is no store
     */
    static KeyValueStore<byte[]> openWithoutCodec(Path directory) {
        if (!isStore(directory)) {
            throw new CommandFailure(ExitCodes.NO_STORE, noStore(directory));
        }
        return KeyValueStore.open(directory, StoreOptions.builder().readOnly().rawValues().build());
    }

    /** What to add so that a command can read the values of a store whose codec is not on the module path. */
    private static String codecMissing(Path directory, UnknownCodecException e) {
        return "the store at " + directory + " was written with codec '" + e.codecName() + "', which is not on "
                + "viper's module path (available: " + String.join(", ", e.available()) + "). Add the jar of a module "
                + "that provides it as an io.viperdb.spi.ValueCodec service with VIPER_MODULE_PATH; a codec built in "
                + "code, such as KryoCodec.registeredOnly(...) ('kryo-registered'), cannot be loaded by name, so read "
                + "its values from your program with the same codec. info, keys, verify and salvage need no codec";
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
