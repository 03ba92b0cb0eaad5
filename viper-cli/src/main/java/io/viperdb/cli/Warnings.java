package io.viperdb.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the engine logs, as lines of {@code viper} on standard error. The engine logs through {@code System.Logger}
 * (logger "io.viperdb"), which goes to {@code java.util.logging}; its console handler would print each message on two
 * lines after a date and a class name. Here a warning (for example a torn tail that recovery cut) is one line,
 * {@code viper: warning: MESSAGE}, with its parameters put in and the message of the exception that came with it;
 * information is {@code viper: MESSAGE}; what is finer is not shown.
 */
final class Warnings {

    /** The logger the engine logs to. */
    static final String LOGGER = "io.viperdb";

    /** Held here: java.util.logging keeps loggers weakly, and one collected would lose this configuration. */
    private static Logger engine;

    private Warnings() {
    }

    /** Prints what the engine logs on {@code err} (UTF-8), one line a message, instead of the JDK's console format. */
    static synchronized void install(OutputStream err) {
        engine = Logger.getLogger(LOGGER);
        for (Handler handler : engine.getHandlers()) {
            engine.removeHandler(handler);
        }
        engine.addHandler(new LineHandler(err));
        engine.setUseParentHandlers(false);
        engine.setLevel(Level.INFO);
    }

    /** The line for a log record: {@code viper: warning: MESSAGE}, or {@code viper: MESSAGE} below a warning. */
    static String line(LogRecord record) {
        String message = new Formatter() {
            @Override
            public String format(LogRecord r) {
                return formatMessage(r);
            }
        }.format(record);
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            message += ": " + (thrown.getMessage() != null ? thrown.getMessage() : thrown.toString());
        }
        int level = record.getLevel().intValue();
        String kind = level >= Level.SEVERE.intValue() ? "error: " : level >= Level.WARNING.intValue() ? "warning: "
                : "";
        return "viper: " + kind + message;
    }

    private static final class LineHandler extends Handler {
        private final PrintWriter out;

        LineHandler(OutputStream err) {
            this.out = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
            setLevel(Level.INFO);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (isLoggable(record)) {
                out.println(line(record));
            }
        }

        @Override
        public synchronized void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
