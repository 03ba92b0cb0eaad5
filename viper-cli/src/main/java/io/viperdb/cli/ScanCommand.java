package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code viper scan STORE}: keys with their values, as JSON lines. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Prints the live keys in sorted order with their values, one JSON object a line: "
                + "{\"key\":...,\"value\":...}, the format of export.",
            "A value with no JSON form is left out and named on standard error (exit code 7)."},
        footer = {"", "Examples:", "  viper scan ./db --prefix user:", "  viper scan ./db --limit 3 | jq .value"})
final class ScanCommand extends StoreCommand {

    @Option(names = "--prefix", paramLabel = "TEXT", description = "Only keys that start with TEXT.")
    String prefix = "";

    @Option(names = "--limit", paramLabel = "N", description = "At most N keys (0 or more).")
    long limit = Long.MAX_VALUE;

    @Override
    public Integer call() throws IOException {
        Entries.checkLimit(limit);
        long skipped;
        try (KeyValueStore<Object> db = Stores.openReadOnly(store);
                Progress none = Progress.start("scan", 0)) {
            skipped = Entries.write(db, Entries.keys(db, prefix, limit), out(), err(), none);
        }
        return skipped == 0 ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
