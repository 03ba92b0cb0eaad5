package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code viper keys STORE}: the live keys, sorted, one a line. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Prints the live keys, in sorted order, one a line.",
        footer = {"", "Examples:", "  viper keys ./db", "  viper keys ./db --prefix user: --limit 10"})
final class KeysCommand extends StoreCommand {

    @Option(names = "--prefix", paramLabel = "TEXT", description = "Only keys that start with TEXT.")
    String prefix = "";

    @Option(names = "--limit", paramLabel = "N", description = "At most N keys (0 or more).")
    long limit = Long.MAX_VALUE;

    @Override
    public Integer call() {
        Entries.checkLimit(limit);
        List<String> keys;
        try (KeyValueStore<byte[]> db = Stores.openWithoutCodec(store)) {
            keys = Entries.keys(db, prefix, limit);
        }
        PrintWriter out = out();
        keys.forEach(out::println);
        return ExitCodes.OK;
    }
}
