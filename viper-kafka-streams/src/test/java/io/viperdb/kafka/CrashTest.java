package io.viperdb.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM ({@link CrashWorker}) writes and commits under exactly-once and is killed with SIGKILL at a random
 * moment, between a write and a commit or inside one. Then, on copies of its state directory:
 * <ul>
 *   <li>at-least-once opens the store; its committed offset is at least the last one the worker saw committed, and
 *       the data is never behind it: the store holds exactly the first {@code p} records for some {@code p} at or past
 *       the committed offset (ViperDB loses only a suffix of unsynced writes, never a committed one);</li>
 *   <li>exactly-once refuses it with {@link TaskCorruptedException}, so that Kafka wipes it and restores it from the
 *       changelog instead of keeping writes its aborted transaction never made visible.</li>
 * </ul>
 */
class CrashTest {

    private static final int KILLS = Integer.getInteger("viper.kafka.kills", 6);

    @TempDir
    Path root;

    @Test
    void aKilledStoreKeepsEveryCommitAndExactlyOnceRestoresIt() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        long beyondCommit = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Path dir = root.resolve("kill-" + kill);
            long lastCommitted = killWorker(dir, random.nextInt(200, 1500));

            Path copy = root.resolve("copy-" + kill);
            WordCountTest.copyTree(dir, copy);
            assertThrows(TaskCorruptedException.class, () -> new TestContext(copy).exactlyOnce().open("crash"),
                    "exactly-once refuses a store that was not closed cleanly");

            KeyValueStore<Bytes, byte[]> store = new TestContext(dir).open("crash");
            try {
                Long committed = store.committedOffset(CrashWorker.CHANGELOG);
                assertNotNull(committed, "kill " + kill + ": a commit was seen, so an offset is stored");
                assertTrue(committed >= lastCommitted, "kill " + kill + ": committed " + committed + " < seen "
                        + lastCommitted);
                long present = store.approximateNumEntries();
                assertTrue(present >= committed, "kill " + kill + ": data behind the offset: " + present + " < "
                        + committed);
                for (long offset = 0; offset < present; offset++) {
                    assertArrayEquals(CrashWorker.value(offset), store.get(CrashWorker.key(offset)),
                            "kill " + kill + ": record " + offset + " of the first " + present);
                }
                beyondCommit += present - committed;
                System.out.printf("kill %d: %d committed (%d seen), %d records kept%n", kill, committed,
                        lastCommitted, present);
            } finally {
                store.close();
            }
        }
        System.out.printf("%d kills: at-least-once kept every committed record (and %d past the commits); "
                + "exactly-once refused every killed store%n", KILLS, beyondCommit);
        assertTrue(beyondCommit > 0, "some kill left writes past a commit in the files");
    }


    /** Starts a worker on {@code dir}, kills it {@code millis} after it is ready, returns the last offset it saw committed. */
    private static long killWorker(Path dir, int millis) throws Exception {
        Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), CrashWorker.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // Killed: what it printed before is all there is.
            }
        });
        reader.start();
        synchronized (lines) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!lines.contains("READY") && worker.isAlive() && System.nanoTime() < deadline) {
                lines.wait(100);
            }
            assertTrue(lines.contains("READY"), "the worker did not start: " + lines);
            // Until a first commit, there is nothing to check.
            while (lines.stream().noneMatch(line -> line.startsWith("COMMITTED ")) && System.nanoTime() < deadline) {
                lines.wait(100);
            }
        }
        Thread.sleep(millis);
        worker.toHandle().destroyForcibly();
        assertEquals(true, worker.waitFor(30, TimeUnit.SECONDS));
        reader.join(10_000);
        long last = -1;
        synchronized (lines) {
            for (String line : lines) {
                if (line.startsWith("COMMITTED ")) {
                    last = Long.parseLong(line.substring("COMMITTED ".length()));
                } else if (!line.equals("READY") && !line.startsWith("SLF4J")) {
                    throw new AssertionError("the worker reported: " + line + "\n" + lines);
                }
            }
        }
        return last;
    }
}
