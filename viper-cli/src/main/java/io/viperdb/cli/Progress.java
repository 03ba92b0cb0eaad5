package io.viperdb.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A one-line progress report on standard error, redrawn in place, for people at a terminal; silent in pipes and
 * scripts. Written by hand rather than with a progress bar library: the line is all that is needed, and such libraries
 * bring a terminal library (JLine) onto the module path.
 *
 * <p>It shows only when the JVM has a console (on JDK 17, standard input and output are both a terminal), so
 * {@code viper export db > file} and {@code viper import db < file} stay quiet; the progress of those commands shows
 * when they name their file instead. Use it from one thread at a time.
 */
final class Progress implements AutoCloseable {

    private static final long REDRAW_NANOS = 100_000_000L;

    /** What a progress line counts: steps (keys, lines), or bytes, which it shows in KiB, MiB and GiB. */
    enum Unit { STEPS, BYTES }

    private final PrintStream out;
    private final String label;
    private final long total;
    private final Unit unit;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private long done;
    private boolean drawn;

    /**
     * A progress line for {@code total} steps ({@code 0} when the total is not known: elapsed time is shown), drawn on
     * {@code out} when {@code shown}.
     */
    private Progress(PrintStream out, String label, long total, Unit unit) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    /** A progress line of steps on standard error when at a terminal; one that draws nothing otherwise. */
    static Progress start(String label, long total) {
        return start(label, total, Unit.STEPS);
    }

    /** A progress line counting {@code unit} on standard error when at a terminal; one that draws nothing otherwise. */
    static Progress start(String label, long total, Unit unit) {
        return new Progress(atTerminal() ? System.err : null, label, total, unit);
    }

    /**
     * Runs {@code work}, which reports no steps, with a line that shows the elapsed time while it runs (at a
     * terminal), and returns what it returns.
     */
    static <T> T during(String label, Supplier<T> work) {
        if (!atTerminal()) {
            return work.get();
        }
        try (Progress progress = new Progress(System.err, label, 0, Unit.STEPS)) {
            Thread ticker = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(200);
                        progress.tick();
                    }
                } catch (InterruptedException e) {
                    // the work is done
                }
            }, "viper-progress");
            ticker.setDaemon(true);
            ticker.start();
            try {
                return work.get();
            } finally {
                ticker.interrupt();
                try {
                    ticker.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * True when standard input and output are a terminal. On JDK 17 to 21 a console exists only then; from JDK 22 one
     * may exist in pipes too, and {@code Console.isTerminal()} (looked up by name, as JDK 17 lacks it) tells.
     */
    static boolean atTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** A progress line of steps that always draws on {@code out}, for tests. */
    static Progress on(PrintStream out, String label, long total) {
        return on(out, label, total, Unit.STEPS);
    }

    /** A progress line counting {@code unit} that always draws on {@code out}, for tests. */
    static Progress on(PrintStream out, String label, long total, Unit unit) {
        return new Progress(out, label, total, unit);
    }

    /** Records one more step done, and redraws the line at most ten times a second. */
    void step() {
        advanceTo(done + 1);
    }

    /** Records that {@code done} steps (or bytes) are done, and redraws the line at most ten times a second. */
    void advanceTo(long done) {
        this.done = done;
        long now = System.nanoTime();
        if (out != null && (!drawn || now - lastDrawn >= REDRAW_NANOS)) {
            lastDrawn = now;
            draw(now);
        }
    }

    /** Redraws the line with the elapsed time, for work that reports no steps; call it from a timer. */
    synchronized void tick() {
        if (out != null) {
            draw(System.nanoTime());
        }
    }

    private synchronized void draw(long now) {
        double seconds = (now - started) / 1e9;
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, done * width / total);
            line = String.format(Locale.ROOT, "%s [%s%s] %s/%s (%d%%) %.1f s", label, "=".repeat(filled),
                    " ".repeat(width - filled), amount(done), amount(total), Math.min(100, done * 100 / total),
                    seconds);
        } else if (done > 0) {
            line = String.format(Locale.ROOT, "%s %s %.1f s", label, amount(done), seconds);
        } else {
            line = String.format(Locale.ROOT, "%s %.1f s", label, seconds);
        }
        out.print("\r" + line + "\u001b[K");
        out.flush();
        drawn = true;
    }

    private String amount(long n) {
        return unit == Unit.BYTES ? Units.bytes(n) : Units.count(n);
    }

    /** Clears the line, so that what the command prints next starts on a clean line. */
    @Override
    public synchronized void close() {
        if (out != null && drawn) {
            out.print("\r\u001b[K");
            out.flush();
        }
    }
}
