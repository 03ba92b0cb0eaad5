package io.viperdb.cli;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A closed store of several segments (the smallest log files), for the commands that verify, reclaim and salvage,
 * and the damage those tests do to it.
 */
final class SegmentedStore {

    /** How many keys {@link #create} writes: {@code key:0} to {@code key:299}. */
    static final int KEYS = 300;

    private SegmentedStore() {
    }

    /** Writes {@link #KEYS} keys into a new store at {@code dir}, closes it, and returns {@code dir}. */
    static Path create(Path dir) {
        try (KeyValueStore<Object> store = KeyValueStore.open(dir,
                StoreOptions.builder().logFileSize(StoreOptions.MIN_LOG_FILE_SIZE).build())) {
            for (int i = 0; i < KEYS; i++) {
                store.put("key:" + i, "value number " + i + " " + "x".repeat(40));
            }
        }
        return dir;
    }

    /** The store's value logs, in segment order. */
    static List<Path> valueLogs(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".vlog")).sorted().toList();
        }
    }

    /** Flips bits of the byte at {@code offset} of {@code file}. */
    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x5a;
        Files.write(file, bytes);
    }
}
