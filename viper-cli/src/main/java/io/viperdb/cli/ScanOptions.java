package io.viperdb.cli;

import io.viperdb.Direction;
import io.viperdb.KeyRange;
import picocli.CommandLine.Option;

/** The options of {@code keys} and {@code scan} that choose which keys they visit, in which order, and how many. */
final class ScanOptions {

    @Option(names = "--prefix", paramLabel = "TEXT", description = "Only keys that start with TEXT.")
    String prefix;

    @Option(names = "--from", paramLabel = "KEY", description = "Only keys at or after KEY.")
    String from;

    @Option(names = "--to", paramLabel = "KEY", description = "Only keys before KEY (KEY itself is left out).")
    String to;

    @Option(names = "--reverse", description = "From the last key to the first.")
    boolean reverse;

    @Option(names = "--limit", paramLabel = "N", description = "At most N keys (0 or more).")
    long limit = Long.MAX_VALUE;

    /**
     * Checks the options before the store is opened.
     *
     * @throws CommandFailure with {@link ExitCodes#USAGE} for a negative limit, a prefix given with a range, or a key
     *     that cannot be one
     */
    void check() {
        if (limit < 0) {
            throw new CommandFailure(ExitCodes.USAGE, "--limit must be at least 0 (was " + limit + ")");
        }
        if (prefix != null && (from != null || to != null)) {
            throw new CommandFailure(ExitCodes.USAGE, "--prefix cannot be combined with --from or --to");
        }
        range();
    }

    /** The keys to visit: in byte order of their UTF-8 text, which is the order of their code points. */
    KeyRange range() {
        try {
            return prefix != null ? KeyRange.prefix(prefix) : KeyRange.between(from, to);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    Direction direction() {
        return reverse ? Direction.REVERSE : Direction.FORWARD;
    }
}
