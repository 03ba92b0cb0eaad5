package io.viperdb;

import java.nio.file.Path;

/** A store file was written in a format version that this build of ViperDB cannot read. */
public class UnsupportedFormatException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The format version the file has. */
    private final int foundVersion;
    /** The format version this build reads. */
    private final int supportedVersion;

    /**
     * Creates the exception for {@code file}, written in format version {@code foundVersion}.
     *
     * @param file the file whose header gives the version
     * @param foundVersion the format version the file has
     * @param supportedVersion the format version this build reads
     */
    public UnsupportedFormatException(Path file, int foundVersion, int supportedVersion) {
        super("Store file " + file + " has format version " + foundVersion
                + "; this build of ViperDB reads format version " + supportedVersion
                + (foundVersion > supportedVersion ? " (the store was written by a newer ViperDB)" : ""));
        this.file = file;
        this.foundVersion = foundVersion;
        this.supportedVersion = supportedVersion;
    }

    /**
     * {@return the file whose format version is not supported} Not serialized: null in an exception that was
     * deserialized.
     */
    public Path file() {
        return file;
    }

    /** {@return the format version the file has} */
    public int foundVersion() {
        return foundVersion;
    }

    /** {@return the format version this build of ViperDB reads} */
    public int supportedVersion() {
        return supportedVersion;
    }
}
