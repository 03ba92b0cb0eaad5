package io.viperdb.cli;

import io.viperdb.Cursor;
import io.viperdb.KeyRange;
import io.viperdb.KeyValueStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code viper export STORE [FILE]}: every entry as JSON lines. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes every live key and its value as JSON lines, {\"key\":...,\"value\":...} in key order "
                + "(the byte order of the keys), with \"expiresAt\":\"2026-12-05T06:00:00.250Z\" for a key that expires, to FILE or standard output; 'viper import' reads them back into an equal store.",
            "FILE is written beside under a temporary name and replaced only when the export is complete: if it "
                + "fails (a damaged record, a full disk), an existing FILE is left as it was.",
            "Values with no JSON form (objects of classes that are not records, for example) are left out, each "
                + "named on standard error, and the exit code is 7."},
        footer = {"", "Examples:", "  viper export ./db backup.jsonl", "  viper export ./db | viper import ./copy"})
final class ExportCommand extends StoreCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The file to write (replaced whole "
            + "when the export is done, if it exists); standard output when absent.")
    Path file;

    @Override
    public Integer call() throws IOException {
        Entries.Written written;
        try (KeyValueStore<Object> db = Stores.openReadOnly(store);
                Cursor<byte[], Object> cursor = db.byteKeys().scan(KeyRange.all())) {
            if (file == null) {
                try (Progress progress = Progress.start("export", db.size())) {
                    written = Entries.write(db, cursor, Long.MAX_VALUE, out(), err(), progress);
                }
                out().flush();
            } else {
                // A failure half way (a damaged record, a full disk) must not cost the user the file they export
                // over, often last week's backup: it is replaced only once the new one is complete.
                try (FileReplacement replacement = FileReplacement.of(file);
                        Progress progress = Progress.start("export", db.size())) {
                    try {
                        written = Entries.write(db, cursor, Long.MAX_VALUE, replacement.writer(), err(), progress);
                        replacement.commit();
                    } catch (IOException | RuntimeException e) {
                        throw new CommandFailure(ExitCodes.of(e), Viper.describe(e) + (Files.exists(file)
                                ? "; " + file + " is left as it was" : "; " + file + " was not written"), e);
                    }
                }
                out().printf("exported %s from %s to %s%n", Units.count(written.keys() - written.skipped(), "key", "keys"), store,
                        file);
            }
        }
        long skipped = written.skipped();
        if (skipped > 0) {
            err().printf("viper: %s of %s %s left out (named above): %s no JSON form or could not be read%n",
                    Units.count(skipped), Units.count(written.keys(), "key", "keys"), skipped == 1 ? "was" : "were",
                    skipped == 1 ? "its value has" : "their values have");
            return ExitCodes.INCOMPLETE;
        }
        return ExitCodes.OK;
    }
}
