package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreLockedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store has one opener across processes; a lock left by a process that died blocks no one. */
class LockIT {

    @TempDir
    Path dir;

    @Test
    void anotherProcessIsRefusedWhileTheHolderLivesAndLetInWhenItIsKilled() throws Exception {
        Process holder = JavaProcess.startModule("io.viperdb.it.LockHolder", dir.toString());
        JavaProcess.Lines lines = new JavaProcess.Lines(holder);
        String pid = lines.await("HOLDING", 60).substring("HOLDING ".length());

        StoreLockedException e = assertThrows(StoreLockedException.class, () -> KeyValueStore.open(dir));
        assertTrue(e.getMessage().contains("another process (pid " + pid + ")"), e.getMessage());

        holder.destroyForcibly().waitFor();
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            assertEquals("yes", store.get("held"), "the killed holder's flushed write survives");
        }
    }

    @Test
    void aHolderThatClosesLetsTheNextOpenerIn() throws Exception {
        Process holder = JavaProcess.startModule("io.viperdb.it.LockHolder", dir.toString());
        JavaProcess.Lines lines = new JavaProcess.Lines(holder);
        lines.await("HOLDING", 60);
        assertThrows(StoreLockedException.class, () -> KeyValueStore.open(dir));
        holder.getOutputStream().close();
        lines.await("RELEASED", 60);
        assertEquals(0, holder.waitFor());
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            assertEquals("yes", store.get("held"));
        }
    }
}
