package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreLockedException;
import io.viperdb.StoreOptions;
import io.viperdb.StoreReadOnlyException;
import io.viperdb.UnknownCodecException;
import io.viperdb.VerifyReport;
import io.viperdb.ViperException;
import io.viperdb.WriteBatch;
import io.viperdb.engine.testing.History;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened with {@link StoreOptions.Builder#readOnly()} writes nothing, whatever state its files are in: every
 * byte of every file, and the list of files, is the same after the open, reads, verify and close as before. It reads
 * what a writable open would read, ignoring in memory what that open would cut or rebuild on disk.
 */
class ReadOnlyTest {

    @TempDir
    Path root;

    private final StoreOptions writable = StoreOptions.builder().codec(new TextCodec()).build();
    private final StoreOptions readOnly = StoreOptions.builder().codec(new TextCodec()).readOnly().build();
    private final History history = new History(7, 30, 6);
    private Path original;

    @BeforeEach
    void writeTheHistory() {
        original = root.resolve("original");
        try (KeyValueStore<String> store = KeyValueStore.open(original, writable)) {
            history.applyTo(store);
        }
    }

    /** Every file of {@code dir} by name, with its bytes. */
    private static Map<String, byte[]> contents(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        for (Path file : StoreFiles.list(dir)) {
            files.put(file.getFileName().toString(), StoreFiles.read(file));
        }
        return files;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir, String context) {
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), context + ": the files");
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), context + ": the bytes of " + name);
        }
    }

    /** What a store answers for each key of the history: its value, null, or the class of the exception. */
    private Map<String, String> answers(KeyValueStore<String> store) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String key : history.keys()) {
            try {
                answers.put(key, String.valueOf(store.get(key)));
            } catch (ViperException e) {
                answers.put(key, e.getClass().getSimpleName());
            }
        }
        answers.put("(size)", String.valueOf(store.size()));
        return answers;
    }

    /** What opening with {@code options} finds: the answers and the verdict of verify, or the exception. */
    private String openAndRead(Path dir, StoreOptions options) {
        try (KeyValueStore<String> store = KeyValueStore.open(dir, options)) {
            VerifyReport report = store.verify();
            return answers(store) + (report.sound() ? " sound" : " damaged");
        } catch (ViperException e) {
            return "refused: " + e.getClass().getSimpleName();
        }
    }

    /**
     * Damages two copies of the store alike, opens one read-only and the other writable: the read-only one changes
     * no byte and reads what the writable one reads.
     */
    private void assertReadOnlyAgrees(String context, Consumer<Path> damage) {
        Path readCopy = root.resolve("read");
        Path writeCopy = root.resolve("write");
        StoreFiles.deleteTree(readCopy);
        StoreFiles.deleteTree(writeCopy);
        StoreFiles.snapshot(original, readCopy);
        StoreFiles.snapshot(original, writeCopy);
        damage.accept(readCopy);
        damage.accept(writeCopy);
        Map<String, byte[]> before = contents(readCopy);
        String read = openAndRead(readCopy, readOnly);
        assertUnchanged(before, readCopy, context);
        assertEquals(openAndRead(writeCopy, writable), read, context);
    }

    private static Path only(Path store, String suffix) {
        return StoreFiles.withSuffix(store, suffix).get(0);
    }

    @Test
    void aValueLogCutAnywhereIsReadAsAWritableOpenReadsItAndLeftAsItIs() {
        long size = StoreFiles.size(only(original, ".vlog"));
        for (long cut = 0; cut <= size; cut++) {
            long at = cut;
            assertReadOnlyAgrees("value log cut at " + cut, dir -> StoreFiles.truncate(only(dir, ".vlog"), at));
        }
    }

    @Test
    void aKeyLogCutAnywhereIsReadAsAWritableOpenReadsItAndLeftAsItIs() {
        long size = StoreFiles.size(only(original, ".klog"));
        for (long cut = 0; cut <= size; cut++) {
            long at = cut;
            assertReadOnlyAgrees("key log cut at " + cut, dir -> StoreFiles.truncate(only(dir, ".klog"), at));
        }
    }

    @Test
    void aByteFlippedAnywhereIsReadAsAWritableOpenReadsItAndLeftAsItIs() {
        for (String suffix : List.of(".vlog", ".klog")) {
            long size = StoreFiles.size(only(original, suffix));
            for (long offset = 0; offset < size; offset++) {
                long at = offset;
                assertReadOnlyAgrees(suffix + " flipped at " + offset,
                        dir -> StoreFiles.flip(only(dir, suffix), at, 0x10));
            }
        }
    }

    @Test
    void whatAKillLeavesIsReadWithoutCuttingDeletingOrMarkingAnything() {
        Path killed = root.resolve("killed");
        try (KeyValueStore<String> store = KeyValueStore.open(original, writable)) {
            store.put("after", "the last sync");
            store.flush();
            // The files as a SIGKILL leaves them now: no sync mark for the last writes, a lock file with a dead pid.
            StoreFiles.snapshot(original, killed);
        }
        StoreFiles.append(only(killed, ".vlog"), "a torn append".getBytes(StandardCharsets.UTF_8));
        StoreFiles.write(killed.resolve("00000099.vlog"), new byte[] {1, 2, 3});
        StoreFiles.write(killed.resolve("viper.manifest.tmp"), new byte[] {4, 5});
        Map<String, byte[]> before = contents(killed);

        try (KeyValueStore<String> store = KeyValueStore.open(killed, readOnly)) {
            assertEquals("the last sync", store.get("after"));
            for (Map.Entry<String, String> entry : history.finalState().entrySet()) {
                assertEquals(entry.getValue(), store.get(entry.getKey()), entry.getKey());
            }
            assertTrue(store.verify().sound(), "a torn tail is what a crash leaves, not damage");
            store.stats();
            store.keys();
        }
        assertUnchanged(before, killed, "after a read-only open, reads, verify and close");
        assertFalse(Files.exists(killed.resolve("viper.lock")), "no lock file is created");
    }

    @Test
    void everyWriteIsRefusedAndChangesNothing() {
        Map<String, byte[]> before = contents(original);
        try (KeyValueStore<String> store = KeyValueStore.open(original, readOnly)) {
            List<Runnable> writes = List.of(() -> store.put("k", "v"), () -> store.put("k", "v", Duration.ofHours(1)),
                    () -> store.remove(history.keys().get(1)), () -> store.write(new WriteBatch<String>().put("k", "v")),
                    () -> store.putAll(Map.of("k", "v")), store::reclaim, store::flush, store::sync);
            for (Runnable write : writes) {
                StoreReadOnlyException e = assertThrows(StoreReadOnlyException.class, write::run);
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
                assertEquals(original.toAbsolutePath(), e.directory());
            }
            assertEquals(history.finalState().size(), store.size());
        }
        assertUnchanged(before, original, "after refused writes");
    }

    @Test
    void readOnlyOpenersShareTheStoreAndAWriterExcludesThem() {
        KeyValueStore<String> first = KeyValueStore.open(original, readOnly);
        KeyValueStore<String> second = KeyValueStore.open(original, readOnly);
        StoreLockedException writer = assertThrows(StoreLockedException.class,
                () -> KeyValueStore.open(original, writable));
        assertTrue(writer.getMessage().contains("read-only"), writer.getMessage());
        first.close();
        assertThrows(StoreLockedException.class, () -> KeyValueStore.open(original, writable),
                "the second reader still holds it");
        assertEquals(history.finalState().size(), second.size());
        second.close();

        try (KeyValueStore<String> store = KeyValueStore.open(original, writable)) {
            StoreLockedException reader = assertThrows(StoreLockedException.class,
                    () -> KeyValueStore.open(original, readOnly));
            assertTrue(reader.getMessage().contains("for writing"), reader.getMessage());
            store.put("written", "while no reader holds it");
        }
        try (KeyValueStore<String> store = KeyValueStore.open(original, readOnly)) {
            assertEquals("while no reader holds it", store.get("written"));
        }
    }

    @Test
    void nothingIsCreatedWhereThereIsNoStore() throws IOException {
        Path absent = root.resolve("absent");
        ViperException e = assertThrows(ViperException.class, () -> KeyValueStore.open(absent, readOnly));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(absent));

        Path empty = Files.createDirectory(root.resolve("empty"));
        e = assertThrows(ViperException.class, () -> KeyValueStore.open(empty, readOnly));
        assertTrue(e.getMessage().contains("viper.manifest"), e.getMessage());
        assertEquals(List.of(), StoreFiles.list(empty));
    }

    @Test
    void rawValuesOpenAStoreWhoseCodecIsNotOnTheModulePath() {
        assertThrows(UnknownCodecException.class,
                () -> KeyValueStore.open(original, StoreOptions.builder().readOnly().build()));
        StoreOptions raw = StoreOptions.builder().readOnly().rawValues().build();
        String key = history.finalState().keySet().iterator().next();
        try (KeyValueStore<byte[]> store = KeyValueStore.open(original, raw)) {
            assertEquals(TextCodec.NAME, store.stats().codec());
            assertArrayEquals(history.finalState().get(key).getBytes(StandardCharsets.UTF_8), store.get(key));
            assertTrue(store.verify().sound());
        }
        assertThrows(IllegalStateException.class, () -> StoreOptions.builder().rawValues().build(),
                "raw values are for reading only");
    }

    /**
     * The files made immutable ({@code chattr +i}, which stops even root): the store opens, reads and verifies. Any
     * write, lock file creation or deletion would fail with an I/O error.
     */
    @Test
    void aStoreWhoseFilesCannotBeChangedIsRead() throws Exception {
        Map<String, byte[]> before = contents(original);
        assumeTrue(chattr("+i", original), "chattr +i is not available here (needs root and a file system with it)");
        try {
            try (KeyValueStore<String> store = KeyValueStore.open(original, readOnly)) {
                assertEquals(history.finalState().size(), store.size());
                assertTrue(store.verify().sound());
            }
            assertThrows(ViperException.class, () -> KeyValueStore.open(original, writable).close(),
                    "a writable open fails, which shows the files really are immutable");
        } finally {
            assertTrue(chattr("-i", original), "chattr -i");
        }
        assertUnchanged(before, original, "immutable files");
    }

    private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("chattr", flag));
        for (Path file : StoreFiles.list(dir)) {
            command.add(file.toString());
        }
        command.add(dir.toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false;
        }
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
