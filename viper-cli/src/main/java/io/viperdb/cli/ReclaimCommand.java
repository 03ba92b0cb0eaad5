package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import picocli.CommandLine.Command;

/** {@code viper reclaim STORE}: rewrites the live records and drops the rest. */
@Command(name = "reclaim", mixinStandardHelpOptions = true,
        description = "Rewrites the live records into new files and deletes the old ones, dropping removed, expired "
                + "and overwritten values; prints the size of the log files before and after.",
        footer = {"", "Example:", "  viper reclaim ./db"})
final class ReclaimCommand extends StoreCommand {

    @Override
    public Integer call() {
        ReclaimResult result;
        try (KeyValueStore<Object> db = Stores.openExisting(store, null)) {
            result = Progress.during("reclaim", db::reclaim);
        }
        out().printf("reclaimed %s: %s -> %s (%s freed), kept %s, in %s%n", store,
                Units.bytes(result.bytesBefore()), Units.bytes(result.bytesAfter()), Units.bytes(result.bytesFreed()),
                Units.count(result.recordsKept(), "record", "records"), Units.millis(result.elapsed().toNanos()));
        return ExitCodes.OK;
    }
}
