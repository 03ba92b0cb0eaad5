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

    public StoreIOException(Path file, String action, IOException cause) {
        super("I/O failure while " + action + " " + file + ": " + describe(cause), cause);
        this.file = file;
    }

    public StoreIOException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /** The file the store was working on, or null when the failure concerns no single file. */
    public Path file() {
        return file;
    }

    private static String describe(IOException cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
