package io.viperdb.it;

import io.viperdb.KeyValueStore;
import io.viperdb.ReclaimResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The main job, as the README's first command runs it: a store in a temporary folder is written, read, reopened,
 * expired into and reclaimed, and what happened is printed with how fast it went.
 *
 * <p>Arguments (both optional): the number of keys (default 100000) and a directory to use instead of a
 * temporary one (kept afterwards).
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        boolean temporary = args.length < 2;
        Path dir = temporary ? Files.createTempDirectory("viperdb-demo-") : Path.of(args[1]);
        String payload = "x".repeat(100);
        System.out.printf(Locale.ROOT, "ViperDB demo: %,d keys with 100-character values, in %s%n", keys, dir);

        long start = System.nanoTime();
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            report("opened a new store (codec json)", start);

            start = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                store.put(key(i), payload + i);
            }
            rate("wrote", keys, "puts", start);

            start = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                if (!(payload + i).equals(store.get(key(i)))) {
                    throw new AssertionError("wrong value for " + key(i));
                }
            }
            rate("read back and checked", keys, "gets", start);

            store.put("profile:ada", Map.of("name", "Ada Lovelace", "born", 1815, "languages", List.of("en", "fr")));
            store.put("session:ada", "logged in", Duration.ofMillis(300));
            System.out.println("  stored a map:            " + store.get("profile:ada"));
            System.out.println("  stored a 300 ms session: " + store.get("session:ada"));

            start = System.nanoTime();
            for (int i = 0; i < keys; i += 2) {
                store.remove(key(i));
            }
            for (int i = 1; i < keys; i += 4) {
                store.put(key(i), "overwritten " + i);
            }
            rate("removed half the keys and overwrote a quarter:", keys / 2 + keys / 4, "writes", start);
            System.out.printf(Locale.ROOT, "  %,d live keys (the user keys left and the map)%n", store.size());
        }
        System.out.printf(Locale.ROOT, "  closed: %s of files%n", size(dir));

        Thread.sleep(400);
        start = System.nanoTime();
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            report(String.format(Locale.ROOT, "closed and reopened: %,d live keys", store.size()), start);
            System.out.println("  the session has expired:  " + store.get("session:ada"));
            check(store, keys);

            ReclaimResult reclaim = store.reclaim();
            System.out.printf(Locale.ROOT, "  reclaim: %s -> %s, kept %,d records, in %d ms%n",
                    bytes(reclaim.bytesBefore()), bytes(reclaim.bytesAfter()), reclaim.recordsKept(),
                    reclaim.elapsed().toMillis());
            check(store, keys);
        }
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            check(store, keys);
            System.out.printf(Locale.ROOT, "  reopened after reclaim: %,d live keys, every value checked%n",
                    store.size());
        }
        listFiles(dir);
        if (temporary) {
            delete(dir);
            System.out.println("done; deleted " + dir);
        }
    }

    private static String key(int i) {
        return "user:" + i;
    }

    private static void check(KeyValueStore<Object> store, int keys) {
        for (int i = 0; i < keys; i++) {
            Object expected = i % 2 == 0 ? null : i % 4 == 1 ? "overwritten " + i : "x".repeat(100) + i;
            if (!java.util.Objects.equals(expected, store.get(key(i)))) {
                throw new AssertionError("wrong value for " + key(i) + ": " + store.get(key(i)));
            }
        }
    }

    private static void report(String what, long startNanos) {
        System.out.printf(Locale.ROOT, "  %s in %.1f ms%n", what, (System.nanoTime() - startNanos) / 1e6);
    }

    private static void rate(String what, int count, String unit, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf(Locale.ROOT, "  %s %,d keys in %.0f ms (%,.0f %s/s)%n", what, count, seconds * 1000,
                count / seconds, unit);
    }

    private static String size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return bytes(files.mapToLong(Demo::sizeOf).sum());
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String bytes(long bytes) {
        return bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static void listFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            System.out.println("  files: " + String.join(", ", files.sorted()
                    .map(f -> f.getFileName() + " (" + bytes(sizeOf(f)) + ")").toList()));
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
