package io.viperdb.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.viperdb.KeyValueStore;
import io.viperdb.it.crash.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 2, real process kills: a child JVM writes a seeded workload (puts, removes, batches) and is killed with
 * SIGKILL at a random moment, during plain writes or in the middle of a reclaim, under the {@code manual} sync policy
 * (writes acknowledged after a flush) or {@code always} (every returned write acknowledged). The parent then opens the store and checks that it holds exactly the
 * state after some prefix of the workload that includes every acknowledged (flushed) operation: nothing acknowledged
 * is lost, nothing is half-applied, no value is wrong, and an interrupted reclaim leaves no trace.
 *
 * <p>{@code -Dviper.it.kills=N} sets the number of kills (20 by default, 500 with {@code -Plong}).
 */
class CrashIT {

    private static final int KEYS = 2000;
    private static final int KILLS = Integer.getInteger("viper.it.kills", 20);

    @TempDir
    Path root;

    @Test
    void killsDuringWritesLoseNoAcknowledgedWrite() throws Exception {
        campaign("writes, manual sync", KILLS / 4, 0, "manual");
        campaign("writes, sync on every write", KILLS / 4, 0, "always");
    }

    @Test
    void killsDuringReclaimLeaveTheStoreAsBeforeOrAfterIt() throws Exception {
        int midReclaim = campaign("reclaim", KILLS - 2 * (KILLS / 4), 3000, "manual");
        assertTrue(midReclaim > 0, "at least one kill landed inside a reclaim");
    }

    /** Runs {@code kills} rounds and returns how many kills landed between RECLAIM and RECLAIMED. */
    private int campaign(String name, int kills, int reclaimEvery, String policy) throws Exception {
        int midReclaim = 0;
        int fromCheckpoint = 0;
        int midCheckpoint = 0;
        long acknowledged = 0;
        long recovered = 0;
        for (int round = 0; round < kills; round++) {
            long seed = 1000L * reclaimEvery + round + (policy.equals("always") ? 500_000 : 0);
            Outcome outcome = killOnce(seed, reclaimEvery, policy);
            midReclaim += outcome.midReclaim ? 1 : 0;
            fromCheckpoint += outcome.fromCheckpoint ? 1 : 0;
            midCheckpoint += outcome.midCheckpoint ? 1 : 0;
            acknowledged += outcome.acknowledged;
            recovered += outcome.recovered;
        }
        System.out.printf("crash campaign '%s': %d kills (%d inside a reclaim, %d while a checkpoint wrote the index "
                + "file, %d that left one to start from), %d operations acknowledged, %d recovered, 0 acknowledged "
                + "operations lost, 0 wrong values%n", name, kills, midReclaim, midCheckpoint, fromCheckpoint,
                acknowledged, recovered);
        return midReclaim;
    }

    /**
     * @param fromCheckpoint whether the kill left an index file, which the open starts from if the logs still hold
     *     what it covers (recovery rules 10 and 11)
     * @param midCheckpoint whether the kill came while a checkpoint wrote the index file (its temporary file is left)
     */
    private record Outcome(long acknowledged, long recovered, boolean midReclaim, boolean fromCheckpoint,
            boolean midCheckpoint) {
    }

    private Outcome killOnce(long seed, int reclaimEvery, String policy) throws Exception {
        Path dir = root.resolve("store-" + seed);
        SplittableRandom timing = new SplittableRandom(seed);
        Process worker = JavaProcess.startModule("io.viperdb.it.crash.CrashWorker", dir.toString(),
                Long.toString(seed), Integer.toString(KEYS), Integer.toString(reclaimEvery), policy);
        JavaProcess.Lines lines = new JavaProcess.Lines(worker);
        lines.await("READY", 60);
        if (reclaimEvery == 0) {
            Thread.sleep(timing.nextInt(10, 400));
        } else {
            lines.await("RECLAIM ", 60);
            Thread.sleep(timing.nextInt(0, 15));
        }
        // Killed through its handle: Process.destroyForcibly() also closes our end of its output, which would drop
        // the lines still in the pipe (acknowledgements included) when the reading thread lags behind.
        worker.toHandle().destroyForcibly();
        worker.waitFor();
        List<String> output = lines.drain();
        boolean fromCheckpoint = Files.exists(dir.resolve("viper.index"));
        boolean midCheckpoint = Files.exists(dir.resolve("viper.index.tmp"));

        long lastAck = -1;
        boolean midReclaim = false;
        for (String line : output) {
            if (line.startsWith("ACK ")) {
                lastAck = Long.parseLong(line.substring(4));
            } else if (line.startsWith("RECLAIM ")) {
                midReclaim = true;
            } else if (line.startsWith("RECLAIMED ")) {
                midReclaim = false;
            } else if (!line.equals("READY")) {
                fail("the worker reported: " + line + "\n" + String.join("\n", output));
            }
        }
        long recovered = verify(dir, seed, lastAck, "seed " + seed);
        // Recovery must be stable: a second open finds the same state.
        verifyExactly(dir, seed, recovered, "seed " + seed + ", second open");
        return new Outcome(lastAck + 1, recovered, midReclaim, fromCheckpoint, midCheckpoint);
    }

    /**
     * Opens the store and finds the prefix of the workload it holds, which must include operations 0 to
     * {@code lastAck}. Returns the prefix's length.
     */
    private static long verify(Path dir, long seed, long lastAck, String context) {
        Workload workload = new Workload(seed, KEYS);
        Map<String, Object> model = new HashMap<>();
        long applied = 0;
        for (; applied <= lastAck; applied++) {
            workload.next(applied).applyTo(model);
        }
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            // A kill lands at most one flush interval (or one in-flight write) after the last acknowledgement.
            for (int extra = 0; extra <= 400; extra++) {
                if (holds(store, model)) {
                    return applied;
                }
                workload.next(applied).applyTo(model);
                applied++;
            }
        }
        fail(context + ": the recovered store is no prefix of the workload that includes the " + (lastAck + 1)
                + " acknowledged operations");
        return -1;
    }

    private static void verifyExactly(Path dir, long seed, long length, String context) {
        Workload workload = new Workload(seed, KEYS);
        Map<String, Object> model = new HashMap<>();
        for (long i = 0; i < length; i++) {
            workload.next(i).applyTo(model);
        }
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            assertTrue(holds(store, model), context + ": the store changed between two opens");
        }
    }

    private static boolean holds(KeyValueStore<Object> store, Map<String, Object> model) {
        if (store.size() != model.size()) {
            return false;
        }
        for (int k = 0; k < KEYS; k++) {
            String key = Workload.key(k);
            if (!Objects.equals(model.get(key), store.get(key))) {
                return false;
            }
        }
        return true;
    }
}
