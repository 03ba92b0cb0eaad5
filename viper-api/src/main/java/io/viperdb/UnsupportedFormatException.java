package io.viperdb;

import java.nio.file.Path;

/** A store file was written in a format version that this build of ViperDB cannot read. */
public class UnsupportedFormatException extends ViperException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int foundVersion;
    private final int supportedVersion;

    public UnsupportedFormatException(Path file, int foundVersion, int supportedVersion) {
        super("Store file " + file + " has format version " + foundVersion
                + "; this build of ViperDB reads format version " + supportedVersion
                + (foundVersion > supportedVersion ? " (the store was written by a newer ViperDB)" : ""));
        this.file = file;
        this.foundVersion = foundVersion;
        this.supportedVersion = supportedVersion;
    }

    public Path file() {
        return file;
    }

    public int foundVersion() {
        return foundVersion;
    }

    public int supportedVersion() {
        return supportedVersion;
    }
}
