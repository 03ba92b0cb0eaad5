package io.viperdb.cli;

import io.viperdb.Cursor;
import io.viperdb.KeyValueStore;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code viper scan STORE}: keys with their values, as JSON lines. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Prints the live keys in order with their values, one JSON object a line: "
                + "{\"key\":...,\"value\":...}, the format of export.",
            "A value with no JSON form is left out and named on standard error (exit code 7)."},
        footer = {"", "Examples:", "  viper scan ./db --prefix user:", "  viper scan ./db --limit 3 | jq .value",
            "  viper scan ./db --from user:m --reverse"})
final class ScanCommand extends StoreCommand {

    @Mixin
    ScanOptions scan;

    @Override
    public Integer call() throws IOException {
        scan.check();
        Entries.Written written;
        try (KeyValueStore<Object> db = Stores.openReadOnly(store);
                Cursor<byte[], Object> cursor = db.byteKeys().scan(scan.range(), scan.direction());
                Progress none = Progress.start("scan", 0)) {
            written = Entries.write(db, cursor, scan.limit, out(), err(), none);
        }
        return written.skipped() == 0 ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
