package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code viper rm STORE KEY}. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Removes KEY from the store; exit code 3 when it was not there.",
        footer = {"", "Example:", "  viper rm ./db greeting"})
final class RemoveCommand extends StoreCommand {

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Override
    public Integer call() {
        boolean removed;
        try (KeyValueStore<Object> db = Stores.openExisting(store, null)) {
            removed = db.remove(key);
        }
        if (!removed) {
            throw new CommandFailure(ExitCodes.NO_SUCH_KEY, "no key '" + key + "' in " + store);
        }
        return ExitCodes.OK;
    }
}
