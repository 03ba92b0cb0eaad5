package io.viperdb.cli;

import java.util.Locale;

/** Numbers as a person reads them: grouped digits, sizes in KiB and MiB, rates per second. */
final class Units {
    private Units() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code n} with grouped digits and the noun that goes with it: "1 key", "2 keys", "1,000 keys". */
    static String count(long n, String one, String many) {
        return count(n) + " " + (n == 1 ? one : many);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%,d ms", (long) ms);
    }

    static String rate(long operations, long nanos) {
        return String.format(Locale.ROOT, "%,d/s", (long) (operations / Math.max(nanos / 1e9, 1e-9)));
    }
}
