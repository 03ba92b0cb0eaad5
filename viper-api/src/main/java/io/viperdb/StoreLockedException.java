package io.viperdb;

import java.nio.file.Path;

/**
 * Another opener holds the store: another {@link KeyValueStore} in this JVM, or another process. A store has one
 * opener at a time. A lock left behind by a process that died does not block anyone: the operating system releases
 * it with the process.
 */
public class StoreLockedException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    /**
     * Creates the exception for the store in {@code directory}, held by {@code holder}.
     *
     * @param directory the store's directory
     * @param holder who holds the store, worded to follow "is already open", for example {@code "in another process"}
     */
    public StoreLockedException(Path directory, String holder) {
        super("Store at " + directory + " is already open " + holder + "; a store has one opener at a time");
        this.directory = directory;
    }

    /**
     * {@return the directory of the store that is held} Not serialized: null in an exception that was deserialized.
     */
    public Path directory() {
        return directory;
    }
}
