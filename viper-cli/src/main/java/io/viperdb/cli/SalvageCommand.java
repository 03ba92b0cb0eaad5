package io.viperdb.cli;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.SalvageReport;
import io.viperdb.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code viper salvage STORE NEWSTORE}: copies what can be read of a damaged store into a new store, changing nothing
 * in the damaged one; exit code 1 when anything was skipped.
 */
@Command(name = "salvage", mixinStandardHelpOptions = true,
        description = {"Copies every record of STORE whose checksum passes into a new store NEWSTORE with the same "
                + "codec: the latest record of each key, with removes and expiry applied as opening the store would. "
                + "For a store that does not open, or whose reads meet a damaged record. STORE is only read: nothing "
                + "in it is written, cut, created or deleted.",
            "Prints each damaged range that was skipped, with its file and offset, and each key whose latest record "
                + "was in one (such a key is left out rather than given an older value). Exit code 0 when nothing "
                + "was skipped, 1 when something was, 2 when NEWSTORE exists and is not empty."},
        footer = {"", "Examples:", "  viper salvage ./db ./db-salvaged",
            "  viper salvage ./db ./db-salvaged --codec kryo    (when the manifest is lost)"})
final class SalvageCommand extends StoreCommand {

    /** The file that names a store's codec (see FORMAT.md). */
    private static final String MANIFEST = "viper.manifest";

    @Parameters(index = "1", paramLabel = "NEWSTORE", description = "The directory of the new store: absent, or "
            + "empty.")
    Path target;

    @Option(names = "--codec", paramLabel = "NAME", description = "The codec STORE was written with. Needed only when "
            + "its manifest is lost; otherwise it must be the manifest's.")
    String codec;

    @Override
    public Integer call() {
        requireStore();
        requireEmptyTarget();
        StoreOptions options = codec == null ? StoreOptions.defaults() : StoreOptions.builder().codec(codec).build();
        SalvageReport report;
        try {
            report = Progress.during("salvage", () -> KeyValueStore.salvage(store, target, options));
        } catch (CorruptStoreException e) {
            if (codec == null && e.file() != null && e.file().getFileName().toString().equals(MANIFEST)) {
                throw new CommandFailure(ExitCodes.DAMAGED, e.getMessage() + " (viper salvage STORE NEWSTORE --codec "
                        + "NAME)");
            }
            throw e;
        }
        PrintWriter out = out();
        report.damagedRanges().forEach(out::println);
        report.lostKeys().forEach(key -> out.println("lost key: " + key));
        int ranges = report.damagedRanges().size();
        out.printf("salvaged %s %s from %s into %s; %s damaged %s skipped%n", Units.count(report.keys()),
                report.keys() == 1 ? "key" : "keys", store, target, Units.count(ranges),
                ranges == 1 ? "range" : "ranges");
        return report.complete() ? ExitCodes.OK : ExitCodes.DAMAGED;
    }

    /** STORE holds a store: a manifest, or segment files without one (a damaged store, which salvage is for). */
    private void requireStore() {
        if (!Files.isDirectory(store)) {
            throw new CommandFailure(ExitCodes.NO_STORE, "no store at " + store + ": "
                    + (Files.exists(store) ? "it is a file, not a directory" : "the directory does not exist"));
        }
        try (Stream<Path> files = Files.list(store)) {
            if (files.noneMatch(f -> f.getFileName().toString().matches(MANIFEST + "|\\d+\\.(vlog|klog)"))) {
                throw new CommandFailure(ExitCodes.NO_STORE, "no store at " + store + ": the directory holds neither "
                        + "a " + MANIFEST + " nor segment files");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + store + ": " + e.getMessage(), e);
        }
    }

    /** NEWSTORE is absent or an empty directory, outside STORE: salvage writes a new store, and only there. */
    private void requireEmptyTarget() {
        if (target.toAbsolutePath().normalize().startsWith(store.toAbsolutePath().normalize())) {
            throw new CommandFailure(ExitCodes.USAGE, "cannot salvage into " + target + ": it is inside " + store
                    + ", which salvage never writes to");
        }
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new CommandFailure(ExitCodes.USAGE, "cannot salvage into " + target + ": it is a file");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw new CommandFailure(ExitCodes.USAGE, "cannot salvage into " + target + ": the directory is not "
                        + "empty (salvage writes a new store, into a directory that is absent or empty)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target + ": " + e.getMessage(), e);
        }
    }
}
