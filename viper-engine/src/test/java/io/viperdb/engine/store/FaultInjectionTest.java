package io.viperdb.engine.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreIOException;
import io.viperdb.StoreOptions;
import io.viperdb.SyncPolicy;
import io.viperdb.ViperException;
import io.viperdb.engine.testing.FaultWorkload;
import io.viperdb.engine.testing.FaultyFileAccess;
import io.viperdb.engine.testing.StoreFiles;
import io.viperdb.engine.testing.TextCodec;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Campaign 1, power loss and I/O errors by injection: a workload of puts, removes, batches, flushes, syncs and
 * reclaims runs against a store whose file operations go through {@link FaultyFileAccess}; for every operation
 * number N the run fails operation N, or cuts the power there (with and without a torn last write). The store writes a
 * checkpoint of its index after each reclaim and every 64 KiB written (with values of up to 1,500 characters), on the
 * writer's thread (so that operation N is the same in every run): faults land in those too, and the reopen starts from the index file
 * they left whenever it is sound. The store is
 * then opened on the real file system and must hold exactly the contents after some prefix of the workload that
 * includes every step acknowledged as durable under the sync policy: nothing acknowledged lost, nothing never written
 * present, no batch in part.
 *
 * <p>{@code -Dviper.faults.seeds=N} runs N workloads per policy and mode (1 by default; more with {@code -Plong}).
 */
class FaultInjectionTest {

    private static final int SEEDS = Integer.getInteger("viper.faults.seeds", 1);
    private static final int STEPS = 30;

    @TempDir
    Path root;

    private enum Mode { FAIL, CUT, CUT_AND_TEAR }

    @Test
    void withManualSyncEverySyncedStepSurvivesAnyFault() {
        for (Mode mode : Mode.values()) {
            campaign(SyncPolicy.manual(), mode);
        }
    }

    @Test
    void withSyncOnEveryWriteEveryReturnedStepSurvivesAnyFault() {
        for (Mode mode : Mode.values()) {
            campaign(SyncPolicy.always(), mode);
        }
    }

    /**
     * Values of up to 1,500 characters fill many 4 KiB log files between reclaims, so that each reclaim works in
     * several steps (see {@link Reclaimer}) and faults land between them.
     */
    @Test
    void aReclaimInManyStepsSurvivesAnyFault() {
        for (Mode mode : Mode.values()) {
            campaign(SyncPolicy.manual(), mode, 1500);
        }
    }

    private void campaign(SyncPolicy policy, Mode mode) {
        campaign(policy, mode, 60);
    }

    private void campaign(SyncPolicy policy, Mode mode, int maxValueLength) {
        long runs = 0;
        long acknowledged = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            FaultWorkload workload = new FaultWorkload(seed, STEPS, 8, maxValueLength);
            long operations = operationsOf(workload, policy, seed);
            for (long n = 1; n <= operations; n++) {
                acknowledged += runWithFaultAt(workload, policy, mode, seed, n);
                runs++;
            }
        }
        System.out.printf("fault campaign %s %s, values up to %d chars: %d runs, each with one fault, %d durable steps"
                + " acknowledged, 0 lost, 0 wrong values, 0 stores that failed to open%n", policy, mode, maxValueLength,
                runs, acknowledged);
    }

    private StoreOptions options(SyncPolicy policy) {
        return StoreOptions.builder().codec(new TextCodec()).syncPolicy(policy).logFileSize(4096).build();
    }

    /** Runs the workload without faults and returns how many file operations it made. */
    private long operationsOf(FaultWorkload workload, SyncPolicy policy, long seed) {
        Path dir = root.resolve("count-" + seed);
        FaultyFileAccess access = new FaultyFileAccess(dir);
        try (KeyValueStore<String> store = StoreOpener.open(dir, options(policy), access, Checkpointer.Runner.WRITER)) {
            workload.steps().forEach(step -> step.applyTo(store));
        }
        StoreFiles.deleteTree(dir);
        return access.operations();
    }

    /** Returns the number of steps acknowledged as durable before the fault. */
    private int runWithFaultAt(FaultWorkload workload, SyncPolicy policy, Mode mode, long seed, long n) {
        String context = policy + ", " + mode + ", seed " + seed + ", fault at operation " + n;
        Path dir = root.resolve("run");
        StoreFiles.deleteTree(dir);
        FaultyFileAccess access = new FaultyFileAccess(dir);
        if (mode == Mode.FAIL) {
            access.failAt(n);
        } else {
            access.cutPowerAt(n);
        }
        boolean always = policy instanceof SyncPolicy.Always;
        int durable = 0;
        int completed = 0;
        int attempted = 0;
        KeyValueStore<String> store = null;
        try {
            store = StoreOpener.open(dir, options(policy), access, Checkpointer.Runner.WRITER);
            for (FaultWorkload.Step step : workload.steps()) {
                attempted++;
                step.applyTo(store);
                completed = attempted;
                if (step.syncs() || (always && step.writes())) {
                    durable = completed;
                }
            }
        } catch (ViperException e) {
            if (store != null && mode == Mode.FAIL) {
                FaultWorkload.Kind failed = workload.steps().get(attempted - 1).kind();
                checkFailedStore(store, workload, completed, failed, context + " (" + e + ", in " + failed + ")");
            }
        } finally {
            if (store != null) {
                try {
                    store.close();
                    durable = completed;
                } catch (ViperException e) {
                    // After the fault, close fails too (it says that what reached the device is unknown); the lock
                    // is released all the same.
                }
            }
        }
        if (mode != Mode.FAIL) {
            access.cutPower(mode == Mode.CUT_AND_TEAR ? new Random(seed * 31 + n) : null);
        }
        try (KeyValueStore<String> reopened = KeyValueStore.open(dir, options(policy))) {
            int prefix = workload.prefixHeldBy(reopened, durable, attempted);
            if (prefix < 0) {
                fail(context + ": the store holds no prefix of the workload between the " + durable
                        + " durable steps and the " + attempted + " attempted");
            }
        } catch (ViperException e) {
            throw new AssertionError(context + ": the store does not open", e);
        }
        return durable;
    }

    /**
     * After a step fails, the store serves what it held before the failed step, or after it (a step whose sync failed
     * has been applied but is in doubt). A failure on the live logs makes it refuse writes; a reclaim that fails
     * before its commit leaves the store as it was, writable, and is not checked that way here (a write would change
     * what the reopened store must hold).
     */
    private static void checkFailedStore(KeyValueStore<String> store, FaultWorkload workload, int completed,
            FaultWorkload.Kind failed, String context) {
        int held = workload.prefixHeldBy(store, completed, Math.min(completed + 1, workload.steps().size()));
        assertTrue(held >= 0, context + ": after the failure the store serves neither the state before the failed "
                + "step nor the state after it");
        if (failed != FaultWorkload.Kind.RECLAIM) {
            assertThrows(StoreIOException.class, () -> store.put("key-0", "refused"), context);
        }
    }
}
