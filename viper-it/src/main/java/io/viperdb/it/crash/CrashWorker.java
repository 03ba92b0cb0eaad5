package io.viperdb.it.crash;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.SyncPolicy;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child of a crash test: writes a {@link Workload} to a store until it is killed, printing {@code ACK n} once
 * operations 0 to n are safe from a crash of the process: after a flush (sync policy {@code manual}), or as soon as
 * operation n returns (sync policy {@code always}, under which a write returns once it is on the device). With a
 * reclaim interval it also reclaims every so often, printing {@code RECLAIM n} before and {@code RECLAIMED n} after.
 *
 * <p>Arguments: store directory, seed, number of keys, reclaim interval in operations (0 for none), sync policy
 * ({@code manual} or {@code always}). With reclaims, log files are 16 KiB, so that a reclaim takes many steps.
 */
public final class CrashWorker {

    private CrashWorker() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int keys = Integer.parseInt(args[2]);
        int reclaimEvery = Integer.parseInt(args[3]);
        boolean always = args[4].equals("always");
        Workload workload = new Workload(seed, keys);
        SplittableRandom flushes = new SplittableRandom(seed ^ 0x5DEECE66DL);
        StoreOptions.Builder options = StoreOptions.builder()
                .syncPolicy(always ? SyncPolicy.always() : SyncPolicy.manual());
        if (reclaimEvery > 0) {
            // Small log files, so that each reclaim works in many steps and the kills land between them too.
            options.logFileSize(16 << 10);
        }
        try (KeyValueStore<Object> store = KeyValueStore.open(dir, options.build())) {
            System.out.println("READY");
            long nextFlush = flushes.nextInt(1, 30);
            for (long i = 0; ; i++) {
                workload.next(i).applyTo(store);
                if (always) {
                    System.out.println("ACK " + i);
                } else if (i == nextFlush) {
                    store.flush();
                    System.out.println("ACK " + i);
                    nextFlush = i + flushes.nextInt(1, 30);
                }
                if (reclaimEvery > 0 && i % reclaimEvery == reclaimEvery - 1) {
                    System.out.println("RECLAIM " + i);
                    store.reclaim();
                    System.out.println("RECLAIMED " + i);
                }
            }
        }
    }
}
