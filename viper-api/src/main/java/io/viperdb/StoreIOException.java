package io.viperdb;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file system failed: a disk full, a permission denied, a file that could not be synced. The message says what
 * the store was doing and on which file; the cause is the {@link IOException}.
 *
 * <p>After a failure while writing, the store refuses further writes (reads of data written before keep working):
 * the tail of its logs is in an unknown state until the store is closed and opened again, which recovers it.
 */
public class StoreIOException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception for a failure while the store was doing {@code action} on {@code file}.
     *
     * @param file the file the store was working on
     * @param action what the store was doing, worded to read before the file name, for example {@code "syncing"}
     * @param cause the failure of the file system
     */
    public StoreIOException(Path file, String action, IOException cause) {
        super("I/O failure while " + action + " " + file + ": " + describe(cause), cause);
        this.file = file;
    }

    /**
     * Creates the exception for a failure that concerns no single file.
     *
     * @param message what the store was doing and what failed
     * @param cause the underlying failure
     */
    public StoreIOException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /**
     * {@return the file the store was working on, or null when the failure concerns no single file} Not serialized:
     * null in an exception that was deserialized.
     */
    public Path file() {
        return file;
    }

    private static String describe(IOException cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
