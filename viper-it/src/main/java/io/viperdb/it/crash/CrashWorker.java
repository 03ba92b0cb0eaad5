package io.viperdb.it.crash;

import io.viperdb.KeyValueStore;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child of a crash test: writes a {@link Workload} to a store until it is killed. After each flush it prints
 * {@code ACK n}: operations 0 to n have been handed to the operating system and must survive the kill. With a reclaim
 * interval it also reclaims every so often, printing {@code RECLAIM n} before and {@code RECLAIMED n} after.
 *
 * <p>Arguments: store directory, seed, number of keys, reclaim interval in operations (0 for none).
 */
public final class CrashWorker {

    private CrashWorker() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int keys = Integer.parseInt(args[2]);
        int reclaimEvery = Integer.parseInt(args[3]);
        Workload workload = new Workload(seed, keys);
        SplittableRandom flushes = new SplittableRandom(seed ^ 0x5DEECE66DL);
        try (KeyValueStore<Object> store = KeyValueStore.open(dir)) {
            System.out.println("READY");
            long nextFlush = flushes.nextInt(1, 30);
            for (long i = 0; ; i++) {
                workload.next(i).applyTo(store);
                if (i == nextFlush) {
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
