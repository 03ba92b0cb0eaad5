package io.viperdb.it;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.spi.BytesCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Exercises the engine's memory mappings in a JVM of its own and reports what a test checks: which implementation
 * maps the files on this JDK, and how many mappings of deleted or closed files are left after a reclaim and a close
 * (read from {@code /proc/self/maps} on Linux). Run by {@code MappingIT} on each JDK it finds, and watched for any
 * {@code sun.misc.Unsafe} warning.
 *
 * <p>The implementation is read from the engine, which exports nothing: the test launches this with
 * {@code --add-exports io.viperdb.engine/io.viperdb.engine.io=io.viperdb.it}.
 */
public final class MappingCheck {

    private MappingCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("viperdb-mapping-check");
        StoreOptions options = StoreOptions.builder().codec(BytesCodec.NAME).logFileSize(64 << 10).build();
        int keys = 3000;
        try (KeyValueStore<byte[]> store = KeyValueStore.open(dir, options)) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < keys; i++) {
                    store.put("key-" + i, value(i));
                }
            }
            check(store, keys);
            List<Path> before = valueLogs(dir);
            store.reclaim();
            List<Path> deleted = before.stream().filter(f -> !Files.exists(f)).toList();
            check(store, keys);
            System.out.println("deleted value logs: " + deleted.size());
            System.out.println("mappings of deleted files after reclaim: " + mappingsOf(deleted));
        }
        System.out.println("mappings of store files after close: " + mappingsOf(List.of(dir)));
        System.out.println("mappings: " + implementation());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private static byte[] value(int i) {
        return ("value " + i + " ").repeat(1 + i % 30).getBytes(StandardCharsets.UTF_8);
    }

    private static void check(KeyValueStore<byte[]> store, int keys) {
        for (int i = 0; i < keys; i++) {
            if (!Arrays.equals(value(i), store.get("key-" + i))) {
                throw new AssertionError("wrong value for key-" + i);
            }
        }
    }

    private static List<Path> valueLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".vlog")).toList();
        }
    }

    /** The lines of /proc/self/maps that name one of {@code paths} (or a file under it); -1 without /proc. */
    private static long mappingsOf(List<Path> paths) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return -1;
        }
        return Files.readAllLines(maps).stream()
                .filter(line -> paths.stream().anyMatch(p -> line.contains(p.toAbsolutePath().toString())))
                .count();
    }

    private static String implementation() {
        try {
            return (String) Class.forName("io.viperdb.engine.io.FileAccess").getMethod("mappingImplementation")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            return "unknown (" + e + ")";
        }
    }
}
