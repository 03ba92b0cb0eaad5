package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreStats;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code viper info STORE}: the store's codec, format, keys, live and dead bytes, files and last reclaim. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints the store's codec, format version, live keys, live and dead bytes, files and their "
                + "sizes, and when it was last reclaimed.",
        footer = {"", "Example:", "  viper info ./db"})
final class InfoCommand extends StoreCommand {

    @Override
    public Integer call() {
        StoreStats stats;
        try (KeyValueStore<byte[]> db = Stores.openWithoutCodec(store)) {
            stats = db.stats();
        }
        PrintWriter out = out();
        long logBytes = stats.liveBytes() + stats.deadBytes();
        out.printf("store         %s%n", store);
        out.printf("codec         %s%n", stats.codec());
        out.printf("format        version %d%n", stats.formatVersion());
        out.printf("live keys     %s%n", Units.count(stats.liveKeys()));
        out.printf("live bytes    %s%n", Units.bytes(stats.liveBytes()));
        out.printf("dead bytes    %s%s%n", Units.bytes(stats.deadBytes()), logBytes == 0 ? ""
                : " (" + stats.deadBytes() * 100 / logBytes + "% of the records; reclaim drops them)");
        out.printf("files         %d, %s%n", stats.files().size(), Units.bytes(stats.totalBytes()));
        for (StoreStats.FileSize file : stats.files()) {
            out.printf("  %-16s %10s%n", file.name(), Units.bytes(file.bytes()));
        }
        out.printf("last reclaim  %s%n", stats.lastReclaim().map(Object::toString).orElse("never"));
        return ExitCodes.OK;
    }
}
