package io.viperdb;

import java.nio.file.Path;

/**
 * A store file holds bytes the store did not write: a checksum that does not match, a length that runs past the end
 * of the file, a missing file the store's manifest names. The message and the accessors say which file and where.
 *
 * <p>The store never returns bytes whose checksum failed: it throws this instead.
 */
public class CorruptStoreException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The byte offset in the file where the damage was found. */
    private final long offset;

    /**
     * Creates the exception for damage found in {@code file} at {@code offset}.
     *
     * @param file the damaged file
     * @param offset the byte offset in {@code file} where the damage was found
     * @param problem what is wrong, with what was expected and what was found
     */
    public CorruptStoreException(Path file, long offset, String problem) {
        super("Corrupt store file " + file + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /**
     * {@return the damaged file} Not serialized: null in an exception that was deserialized.
     */
    public Path file() {
        return file;
    }

    /** {@return the byte offset in {@link #file()} where the damage was found} */
    public long offset() {
        return offset;
    }
}
