package io.viperdb.cli;

import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.VerifyReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code viper verify STORE}: reads every record and checks it; exit code 1 when anything is damaged. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reads every record of every file, checks its checksum, and that the key logs agree with the "
                + "value logs; changes nothing.",
            "Prints each problem with its file and offset. Exit code 0 when the store is sound, 1 when it is damaged "
                + "(also when the damage keeps it from opening)."},
        footer = {"", "Example:", "  viper verify ./db"})
final class VerifyCommand extends StoreCommand {

    @Override
    public Integer call() {
        PrintWriter out = out();
        VerifyReport report;
        try (KeyValueStore<byte[]> db = Stores.openWithoutCodec(store)) {
            report = Progress.during("verify", db::verify);
        } catch (CorruptStoreException e) {
            // Opening checks the manifest, the file headers and the active segment, and refuses damage there.
            out.println(e.getMessage());
            out.println("damaged: " + store + " does not open");
            return ExitCodes.DAMAGED;
        }
        for (VerifyReport.Problem problem : report.problems()) {
            out.println(problem);
        }
        String checked = Units.count(report.recordsChecked()) + " records, " + Units.bytes(report.bytesChecked());
        if (report.sound()) {
            out.println("sound: " + store + ", " + checked + " checked");
            return ExitCodes.OK;
        }
        int n = report.problems().size();
        out.println("damaged: " + store + ", " + n + (n == 1 ? " problem" : " problems") + " in " + checked
                + " checked");
        return ExitCodes.DAMAGED;
    }
}
