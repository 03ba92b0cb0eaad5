package io.viperdb.engine.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.viperdb.CorruptStoreException;
import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.UnsupportedFormatException;
import io.viperdb.engine.format.Manifest;
import io.viperdb.engine.io.FileAccess;
import io.viperdb.engine.log.StoreDirectory;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Campaign 4, fuzzing the open and recovery path: the fuzzer writes the value log and key log of a store (the
 * manifest is sound, so that the input reaches recovery), the store is opened, every key read and the store verified.
 * Whatever the bytes, the store opens, or refuses with its own exception; every read returns a value or throws
 * {@link CorruptStoreException}; nothing else escapes (no index out of bounds, no negative array size, no out of
 * memory from a crafted length).
 *
 * <p>In the default build this runs the committed seed inputs ({@code OpenFuzzTestInputs}), as regression tests. To
 * fuzz: {@code JAZZER_FUZZ=1 ./mvnw verify -pl viper-engine -am -Dtest=OpenFuzzTest} (or {@code -Plong}).
 *
 * <p>Input layout: a 4-byte big-endian length n, n bytes of key log, then the value log.
 */
class OpenFuzzTest {

    private static final StoreOptions OPTIONS = StoreOptions.builder().codec(new TextCodec()).build();

    @FuzzTest(maxDuration = "2m")
    void anyLogBytesOpenOrAreRefusedWithTheStoresOwnException(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("viper-fuzz");
        try {
            write(dir, input);
            try (KeyValueStore<String> store = KeyValueStore.open(dir, OPTIONS)) {
                for (String key : store.keys()) {
                    try {
                        store.get(key);
                    } catch (CorruptStoreException expected) {
                        // Damage found by the read that meets it.
                    }
                }
                store.verify();
            } catch (CorruptStoreException | UnsupportedFormatException expected) {
                // Refused, with the file and offset.
            }
        } finally {
            StoreFiles.deleteTree(dir);
        }
    }

    /** Lays the input out as a one-segment store. */
    static void write(Path dir, byte[] input) {
        ByteBuffer bytes = ByteBuffer.wrap(input);
        int keyLogLength = bytes.remaining() >= 4 ? Math.min(Math.max(bytes.getInt(), 0), bytes.remaining()) : 0;
        byte[] keyLog = new byte[keyLogLength];
        bytes.get(keyLog);
        byte[] valueLog = new byte[bytes.remaining()];
        bytes.get(valueLog);
        StoreDirectory directory = new StoreDirectory(dir, FileAccess.real());
        directory.writeManifest(Manifest.create(TextCodec.NAME, 0).withSegments(List.of(1L)));
        try {
            Files.write(directory.keyLog(1), keyLog);
            Files.write(directory.valueLog(1), valueLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes a store's logs as a fuzz input, for seeding the corpus. */
    static byte[] input(Path store) {
        byte[] keyLog = StoreFiles.read(StoreFiles.withSuffix(store, ".klog").get(0));
        byte[] valueLog = StoreFiles.read(StoreFiles.withSuffix(store, ".vlog").get(0));
        return ByteBuffer.allocate(4 + keyLog.length + valueLog.length).putInt(keyLog.length).put(keyLog)
                .put(valueLog).array();
    }
}
