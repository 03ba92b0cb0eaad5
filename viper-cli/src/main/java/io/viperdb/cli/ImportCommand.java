package io.viperdb.cli;

import io.viperdb.CodecException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code viper import STORE [FILE]}: puts every JSON line's key and value. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Reads JSON lines {\"key\":...,\"value\":...,\"expiresAt\":...} (as 'viper export' writes "
                + "them; expiresAt is optional) from FILE or standard input and puts each into the store, with its "
                + "expiry (a key whose expiry has passed stays absent), creating it when the directory is absent or empty (a "
                + "directory of other files is refused, exit code 4). Later lines win.",
            "The input is UTF-8 (a byte order mark at its start is skipped). A line that is not UTF-8 or not such an "
                + "object, or whose value the store's codec refuses, is named on standard error and skipped; the "
                + "others are imported, and the exit code is 7.",
            "Ctrl-C stops it between two lines: the keys imported so far are kept, and it says how many (exit code "
                + "130)."},
        footer = {"", "Examples:", "  viper import ./copy backup.jsonl", "  viper import --codec kryo ./copy < "
                + "backup.jsonl", "  viper export ./db | viper import ./copy"})
final class ImportCommand extends StoreCommand {

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE",
            description = "The file to read; standard input when absent.")
    Path file;

    @Option(names = "--codec", paramLabel = "NAME",
            description = "The codec of a new store (default json); for an existing store it must be its own.")
    String codec;

    /** Keys put and lines refused so far; read by the interruption's hook, under the lock of its steps. */
    private long imported;
    private long refused;

    @Override
    public Integer call() throws IOException {
        // The interruption is closed last: until the store is closed, a Ctrl-C waits for it.
        try (Interruption interruption = Interruption.register();
                InputStream input = file != null ? Files.newInputStream(file) : viper().in();
                WritableStore target = WritableStore.open(store, codec, err());
                // Progress in bytes read, of the file's size when there is a file to take it from.
                Progress progress = viper().progress("import", file != null && Files.isRegularFile(file)
                        ? Files.size(file) : 0, Progress.Unit.BYTES)) {
            interruption.onInterrupt(() -> interrupted(target, progress));
            Utf8Lines lines = new Utf8Lines(input);
            for (Utf8Lines.Line next = lines.next(); next != null; next = lines.next()) {
                Utf8Lines.Line line = next;
                if (!interruption.step(() -> importLine(line, target, progress, lines.bytesRead()))) {
                    return ExitCodes.INTERRUPTED;
                }
            }
            if (!interruption.finish()) {
                return ExitCodes.INTERRUPTED;
            }
            // A new store that got none of its lines is removed: the import failed. An empty input makes an empty
            // store, as the export of one gives.
            if (refused == 0) {
                target.keep();
            }
        }
        out().printf("imported %s into %s%n", Units.count(imported, "key", "keys"), store);
        if (refused > 0) {
            err().println("viper: " + skipped() + " (named above)");
            return ExitCodes.INCOMPLETE;
        }
        return ExitCodes.OK;
    }

    private void importLine(Utf8Lines.Line line, WritableStore target, Progress progress, long bytesRead) {
        progress.advanceTo(bytesRead);
        if (line.text() != null && line.text().isBlank()) {
            return;
        }
        try {
            if (line.text() == null) {
                throw new IllegalArgumentException(line.problem());
            }
            ExportLine entry = ExportLine.parse(line.text());
            if (entry.expiresAt() == null) {
                target.store().byteKeys().put(entry.key(), entry.value());
            } else {
                // An expiry already past leaves the key absent, as it would be in the exported store by now.
                target.store().byteKeys().put(entry.key(), entry.value(), entry.expiresAt());
            }
            imported++;
            // A store that holds a key is kept, whatever ends the import after this.
            target.keep();
        } catch (IllegalArgumentException | CodecException e) {
            refused++;
            err().println("viper: line " + line.number() + " skipped: " + e.getMessage());
        }
    }

    private String skipped() {
        return refused == 1 ? "1 line was skipped" : Units.count(refused) + " lines were skipped";
    }

    /**
     * On Ctrl-C, in the JVM's shutdown hook, between two lines: clears the progress line, closes the store, so that
     * the keys imported so far are on disk (a new store that got none is removed), and says how many there are.
     */
    private void interrupted(WritableStore target, Progress progress) {
        progress.close();
        try {
            target.close();
        } catch (RuntimeException e) {
            err().println("viper: interrupted, and the store could not be closed: " + Viper.describe(e));
            return;
        }
        err().println("viper: interrupted: " + (imported == 0 ? "no key was imported into " + store
                : "imported " + Units.count(imported, "key", "keys") + " into " + store + " before the "
                        + "interruption; they are in the store") + (refused > 0 ? "; " + skipped() : ""));
    }
}
