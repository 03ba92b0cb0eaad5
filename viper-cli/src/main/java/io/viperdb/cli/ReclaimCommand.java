package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import picocli.CommandLine.Command;

/** {@code viper reclaim STORE}: rewrites the live records and drops the rest. */
@Command(name = "reclaim", mixinStandardHelpOptions = true,
        description = "Rewrites the live records into new files and deletes the old ones, dropping removed, expired "
                + "and overwritten values; prints the size of the log files before and after. A store with nothing "
                + "dead is left as it is.",
        footer = {"", "Example:", "  viper reclaim ./db"})
final class ReclaimCommand extends StoreCommand {

    @Override
    public Integer call() {
        ReclaimResult result;
        long dead;
        try (KeyValueStore<Object> db = Stores.openExisting(store, null)) {
            dead = db.stats().deadBytes();
            result = Progress.during("reclaim", db::reclaim);
        }
        if (dead == 0 && result.bytesFreed() == 0) {
            // The engine rewrites nothing then (see KeyValueStore.reclaim).
            out().printf("nothing to reclaim in %s: 0 B dead%n", store);
            return ExitCodes.OK;
        }
        long freed = result.bytesFreed();
        // Each segment file starts with a header: rewriting a few dead bytes can take more than it gives back.
        String change = freed >= 0 ? Units.bytes(freed) + " freed" : Units.bytes(-freed) + " more: the new files' "
                + "headers outweigh the " + Units.bytes(dead) + " that were dead";
        out().printf("reclaimed %s: %s -> %s (%s), kept %s, in %s%n", store, Units.bytes(result.bytesBefore()),
                Units.bytes(result.bytesAfter()), change, Units.count(result.recordsKept(), "record", "records"),
                Units.millis(result.elapsed().toNanos()));
        return ExitCodes.OK;
    }
}
