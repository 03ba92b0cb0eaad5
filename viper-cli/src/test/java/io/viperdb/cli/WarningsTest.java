package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the engine logs becomes one line of viper's; LauncherIT shows it for a real recovery in a real JVM. */
class WarningsTest {

    @Test
    void aWarningIsOneLineWithItsParametersAndTheMessageOfItsException() {
        LogRecord cut = new LogRecord(Level.WARNING, "Cut off {0} bytes at offset {1} of {2}");
        cut.setParameters(new Object[] {16L, 51L, Path.of("db/00000001.vlog")});
        assertEquals("viper: warning: Cut off 16 bytes at offset 51 of db/00000001.vlog", Warnings.line(cut));

        LogRecord failed = new LogRecord(Level.WARNING, "Could not delete the old files; the next open will");
        failed.setThrown(new IOException("Permission denied"));
        assertEquals("viper: warning: Could not delete the old files; the next open will: Permission denied",
                Warnings.line(failed));

        assertEquals("viper: Deleted files", Warnings.line(new LogRecord(Level.INFO, "Deleted files")));
    }

    /** Gives the engine's logger back to java.util.logging's defaults, for the other tests in this JVM. */
    @AfterEach
    void uninstall() {
        Logger engine = Logger.getLogger(Warnings.LOGGER);
        for (Handler handler : engine.getHandlers()) {
            engine.removeHandler(handler);
        }
        engine.setUseParentHandlers(true);
        engine.setLevel(null);
    }

    @Test
    void theEngineLoggerPrintsThroughIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Warnings.install(err);
        System.getLogger(Warnings.LOGGER).log(System.Logger.Level.WARNING, "Ignoring {0}: {1}", "viper.synced",
                "damaged");
        System.getLogger(Warnings.LOGGER).log(System.Logger.Level.DEBUG, "not shown");
        assertEquals("viper: warning: Ignoring viper.synced: damaged\n", err.toString(StandardCharsets.UTF_8));
    }
}
