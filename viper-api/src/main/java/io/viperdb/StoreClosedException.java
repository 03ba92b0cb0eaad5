package io.viperdb;

import java.nio.file.Path;

/** The store was used after {@link KeyValueStore#close()}. */
public class StoreClosedException extends ViperException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for the closed store in {@code directory}.
     *
     * @param directory the store's directory
     */
    public StoreClosedException(Path directory) {
        super("Store at " + directory + " is closed");
    }
}
