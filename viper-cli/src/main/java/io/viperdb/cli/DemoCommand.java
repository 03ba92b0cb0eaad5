package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import io.viperdb.StoreStats;
import io.viperdb.VerifyReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code viper demo}: a store in a temporary folder, written, read, reopened, expired into, reclaimed and verified,
 * with what happened and how fast.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Creates a store in a temporary folder, writes, reads, reopens, reclaims and verifies it, and "
                + "prints what happened and how fast; then deletes it (unless --dir names a folder to keep).",
        footer = {"", "Examples:", "  viper demo", "  viper demo --keys 1000000", "  viper demo --dir ./demo-store"})
final class DemoCommand implements Callable<Integer> {

    private static final String PAYLOAD = "x".repeat(100);

    @Spec
    CommandSpec spec;

    @Option(names = "--keys", paramLabel = "N", description = "How many keys to write (default ${DEFAULT-VALUE}).")
    int keys = 100_000;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Use this new or empty directory, and keep the store there afterwards; a directory that "
                    + "holds anything (a store of yours, any file) is refused, and nothing in it is touched.")
    Path dir;

    private PrintWriter out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        out = spec.commandLine().getOut();
        if (keys < 2) {
            throw new CommandFailure(ExitCodes.USAGE, "--keys must be at least 2");
        }
        if (dir != null) {
            refuseUnlessNewOrEmpty(dir);
        }
        boolean temporary = dir == null;
        Path where = temporary ? Files.createTempDirectory("viper-demo-") : dir;
        out.printf("ViperDB demo: %s keys with 100-character values, in %s%n", Units.count(keys), where);
        try {
            run(where);
        } finally {
            if (temporary) {
                delete(where);
            }
        }
        out.println(temporary ? "done; deleted " + where : "done; the store is in " + where);
        return ExitCodes.OK;
    }

    /**
     * The demo removes half of its keys and overwrites others: in a directory that already holds a store it would
     * change the user's data, and among other files it would scatter its own. So it takes only a new or empty one.
     */
    private static void refuseUnlessNewOrEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isEmpty()) {
                    return;
                }
            }
            throw new CommandFailure(ExitCodes.USAGE, "--dir " + dir + " is not empty: the demo writes a store of its "
                    + "own there; give a new or empty directory");
        }
        if (Files.exists(dir)) {
            throw new CommandFailure(ExitCodes.USAGE, "--dir " + dir + " is a file; give a new or empty directory");
        }
    }

    private void run(Path where) throws InterruptedException {
        long start = System.nanoTime();
        long expiresAt;
        try (KeyValueStore<Object> db = KeyValueStore.open(where)) {
            say("opened a new store (codec " + db.stats().codec() + ") in " + Units.millis(since(start)));

            start = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                db.put(key(i), PAYLOAD + i);
            }
            rate("wrote", keys, "puts", start);

            start = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                if (!(PAYLOAD + i).equals(db.get(key(i)))) {
                    throw new IllegalStateException("wrong value read back for " + key(i));
                }
            }
            rate("read back and checked", keys, "gets", start);

            Map<String, Object> ada = new LinkedHashMap<>();
            ada.put("name", "Ada Lovelace");
            ada.put("born", 1815);
            ada.put("languages", List.of("en", "fr"));
            db.put("user:ada", ada);
            db.put("session:ada", "logged in", Duration.ofMillis(300));
            expiresAt = System.nanoTime() + 300_000_000L;
            say("stored a map:              " + db.get("user:ada"));
            say("stored a 300 ms session:   " + db.get("session:ada"));

            start = System.nanoTime();
            for (int i = 0; i < keys; i += 2) {
                db.remove(key(i));
            }
            for (int i = 1; i < keys; i += 4) {
                db.put(key(i), "overwritten " + i);
            }
            rate("removed half the keys and overwrote a quarter:", keys / 2 + keys / 4, "writes", start);
        }
        Thread.sleep(Math.max(0, (expiresAt - System.nanoTime()) / 1_000_000 + 50));

        start = System.nanoTime();
        try (KeyValueStore<Object> db = KeyValueStore.open(where)) {
            StoreStats stats = db.stats();
            say("closed and reopened in " + Units.millis(since(start)) + ": " + Units.count(db.size())
                    + " live keys, " + Units.bytes(stats.totalBytes()) + " of files, "
                    + Units.bytes(stats.deadBytes()) + " of them dead");
            say("the session has expired:   " + db.get("session:ada"));

            ReclaimResult reclaim = db.reclaim();
            say("reclaimed: " + Units.bytes(reclaim.bytesBefore()) + " -> " + Units.bytes(reclaim.bytesAfter())
                    + ", kept " + Units.count(reclaim.recordsKept(), "record", "records") + ", in "
                    + Units.millis(reclaim.elapsed().toNanos()));

            start = System.nanoTime();
            VerifyReport report = db.verify();
            say("verified " + Units.count(report.recordsChecked()) + " records in " + Units.millis(since(start))
                    + ": " + (report.sound() ? "sound" : Units.count(report.problems().size(), "problem", "problems")));
            for (int i = 1; i < keys; i += 2) {
                String expected = (i % 4 == 1 ? "overwritten " : PAYLOAD) + i;
                if (!expected.equals(db.get(key(i)))) {
                    throw new IllegalStateException("wrong value after reclaim for " + key(i));
                }
            }
            say("every value checked after the reclaim");
            say("files: " + db.stats().files().stream()
                    .map(f -> f.name() + " (" + Units.bytes(f.bytes()) + ")").collect(Collectors.joining(", ")));
        }
    }

    private static String key(int i) {
        return "user:" + i;
    }

    private void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    private void rate(String what, long count, String unit, long start) {
        long nanos = since(start);
        say(what + " " + Units.count(count) + (what.endsWith(":") ? "" : " keys") + " in " + Units.millis(nanos)
                + " (" + Units.rate(count, nanos).replace("/s", " " + unit + "/s") + ")");
    }

    private static long since(long start) {
        return System.nanoTime() - start;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
