package io.viperdb;

import java.nio.file.Path;

/** A write to a store opened with {@link StoreOptions.Builder#readOnly()}; the store is unchanged. */
public class StoreReadOnlyException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    /**
     * Creates the exception for a write refused by the read-only store in {@code directory}.
     *
     * @param directory the store's directory
     * @param operation what was refused, for example {@code "put"}
     */
    public StoreReadOnlyException(Path directory, String operation) {
        super("Store at " + directory + " is open read-only; " + operation + " writes, so it was refused (open the "
                + "store without readOnly() to change it)");
        this.directory = directory;
    }

    /**
     * {@return the directory of the store} Not serialized: null in an exception that was deserialized.
     */
    public Path directory() {
        return directory;
    }
}
