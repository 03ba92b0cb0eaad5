package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code viper export STORE [FILE]}: every entry as JSON lines. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes every live key and its value as JSON lines, {\"key\":...,\"value\":...} in sorted key "
                + "order, to FILE or standard output; 'viper import' reads them back into an equal store.",
            "Values with no JSON form (objects of classes that are not records, for example) are left out, each "
                + "named on standard error, and the exit code is 7. Times to live are not exported: the API does "
                + "not tell them."},
        footer = {"", "Examples:", "  viper export ./db backup.jsonl", "  viper export ./db | viper import ./copy"})
final class ExportCommand extends StoreCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The file to write (replaced if it "
            + "exists); standard output when absent.")
    Path file;

    @Override
    public Integer call() throws IOException {
        long skipped;
        int written;
        try (KeyValueStore<Object> db = Stores.openReadOnly(store)) {
            List<String> keys = Entries.keys(db, "", Long.MAX_VALUE);
            written = keys.size();
            if (file == null) {
                try (Progress progress = Progress.start("export", keys.size())) {
                    skipped = Entries.write(db, keys, out(), err(), progress);
                }
                out().flush();
            } else {
                try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                        Progress progress = Progress.start("export", keys.size())) {
                    skipped = Entries.write(db, keys, writer, err(), progress);
                }
                out().printf("exported %s keys from %s to %s%n", Units.count(written - skipped), store, file);
            }
        }
        if (skipped > 0) {
            err().printf("viper: %s of %s keys were left out (named above): their values have no JSON form or "
                    + "could not be read%n", Units.count(skipped), Units.count(written));
            return ExitCodes.INCOMPLETE;
        }
        return ExitCodes.OK;
    }
}
