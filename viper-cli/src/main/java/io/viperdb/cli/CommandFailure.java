package io.viperdb.cli;

/** A command could not do what it was asked, for a reason the message tells a person; ends it with an exit code. */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** A failure that {@code cause} brought about, whose stack trace {@code --verbose} shows. */
    CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
