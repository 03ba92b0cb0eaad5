package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store that put or import created is kept only when told to; one that was there is never removed. */
class WritableStoreTest {

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    @Test
    void aNewStoreIsKeptOnceToldAndRemovedOtherwiseWithItsDirectory() {
        Path kept = tmp.resolve("kept");
        try (WritableStore target = WritableStore.open(kept, null, new PrintWriter(err, true))) {
            target.store().put("k", 1);
            target.keep();
            throw new IllegalStateException("a failure after a key was written");
        } catch (IllegalStateException expected) {
            // the store holds the key: kept
        }
        assertTrue(Files.isRegularFile(kept.resolve("viper.manifest")));
        assertEquals("viper: created a new store at " + kept + " (codec json)\n", err.toString());

        Path removed = tmp.resolve("removed");
        try (WritableStore target = WritableStore.open(removed, null, new PrintWriter(err, true))) {
            assertTrue(Files.isDirectory(removed));
        }
        assertFalse(Files.exists(removed), "files and directory");
    }

    @Test
    void aStoreThatWasThereIsNeverRemovedAndAnEmptyDirectoryGivenStays() throws Exception {
        Path existing = tmp.resolve("existing");
        try (WritableStore target = WritableStore.open(existing, null, new PrintWriter(err, true))) {
            target.keep();
        }
        try (WritableStore target = WritableStore.open(existing, null, new PrintWriter(err, true))) {
            assertEquals(0, target.store().size());
        }
        assertTrue(Files.isRegularFile(existing.resolve("viper.manifest")));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (WritableStore target = WritableStore.open(empty, null, new PrintWriter(err, true))) {
            assertTrue(Files.isRegularFile(empty.resolve("viper.manifest")));
        }
        assertEquals(List.of(), Files.list(empty).toList());
    }
}
