package io.viperdb.cli;

import io.viperdb.Cursor;
import io.viperdb.KeyValueStore;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code viper keys STORE}: the live keys, in order, one a line. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Prints the live keys in order (the byte order of their UTF-8 text, which is the order of "
                + "their Unicode code points), one a line.",
            "A key whose bytes are not UTF-8 text is printed as 0x and its bytes in hexadecimal."},
        footer = {"", "Examples:", "  viper keys ./db", "  viper keys ./db --prefix user: --limit 10",
            "  viper keys ./db --from 2026-01 --to 2026-02 --reverse"})
final class KeysCommand extends StoreCommand {

    @Mixin
    ScanOptions scan;

    @Override
    public Integer call() {
        scan.check();
        PrintWriter out = out();
        try (KeyValueStore<byte[]> db = Stores.openWithoutCodec(store);
                Cursor<byte[], byte[]> cursor = db.byteKeys().scan(scan.range(), scan.direction())) {
            for (long n = 0; n < scan.limit && cursor.hasNext(); n++) {
                out.println(ExportLine.shown(cursor.next().getKey()));
            }
        }
        return ExitCodes.OK;
    }
}
