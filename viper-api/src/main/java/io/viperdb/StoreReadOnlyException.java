package io.viperdb;

import java.nio.file.Path;

/** A write to a store opened with {@link StoreOptions.Builder#readOnly()}; the store is unchanged. */
public class StoreReadOnlyException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    /**
     * @param directory the store's directory
     * @param operation what was refused, for example {@code "put"}
     */
    public StoreReadOnlyException(Path directory, String operation) {
        super("Store at " + directory + " is open read-only; " + operation + " writes, so it was refused (open the "
                + "store without readOnly() to change it)");
        this.directory = directory;
    }

    /** The directory of the store. */
    public Path directory() {
        return directory;
    }
}
