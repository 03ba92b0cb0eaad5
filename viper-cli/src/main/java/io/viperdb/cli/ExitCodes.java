package io.viperdb.cli;

import io.viperdb.CodecException;
import io.viperdb.CorruptStoreException;
import io.viperdb.StoreLockedException;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.ViperException;

/**
 * The exit codes of {@code viper}, one per kind of failure a script may want to tell apart. README.md has the same
 * table; {@code ViperTest} checks each of them.
 */
final class ExitCodes {

    /** The command did what it was asked; {@code verify} found the store sound. */
    static final int OK = 0;
    /** The store is damaged: {@code verify} found problems, or a command met a damaged record or file. */
    static final int DAMAGED = 1;
    /** The command line was wrong: an unknown command or option, a missing argument, a value that is not JSON. */
    static final int USAGE = 2;
    /** {@code get} or {@code rm} of a key the store does not hold. */
    static final int NO_SUCH_KEY = 3;
    /** There is no store at the path given (read commands never create one). */
    static final int NO_STORE = 4;
    /** Another process (or another opener) holds the store. */
    static final int LOCKED = 5;
    /** The codec is unknown or not the store's, or it cannot encode or decode a value. */
    static final int CODEC = 6;
    /** {@code export}, {@code scan}, {@code get} or {@code import} left out values that have no JSON form or lines
     *  that could not be read; the others were done. */
    static final int INCOMPLETE = 7;
    /** The store was written in a format version this build does not read. */
    static final int UNSUPPORTED_FORMAT = 8;
    /** The file system failed (disk full, permission denied), or the store refused for another reason. */
    static final int FAILED = 9;
    /** A bug in viper: the message and, with {@code --verbose}, the stack trace, are worth a bug report. */
    static final int INTERNAL = 10;
    /**
     * Interrupted with Ctrl-C (SIGINT): the code the JVM itself ends with then, 128 + 2, whatever the command returns;
     * {@code import} first says how many keys it imported, which are in the store.
     */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The exit code for a failure that ended a command. */
    static int of(Throwable failure) {
        if (failure instanceof CommandFailure f) {
            return f.exitCode();
        }
        if (failure instanceof CorruptStoreException) {
            return DAMAGED;
        }
        if (failure instanceof StoreLockedException) {
            return LOCKED;
        }
        if (failure instanceof CodecException) {
            return CODEC;
        }
        if (failure instanceof UnsupportedFormatException) {
            return UNSUPPORTED_FORMAT;
        }
        if (failure instanceof ViperException || failure instanceof java.io.IOException
                || failure instanceof java.io.UncheckedIOException) {
            return FAILED;
        }
        // The API answers an invalid key, codec name or time to live with IllegalArgumentException.
        if (failure instanceof IllegalArgumentException) {
            return USAGE;
        }
        return INTERNAL;
    }
}
