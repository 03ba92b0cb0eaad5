package io.viperdb.bench;

import java.lang.management.ManagementFactory;

/** The heap a measurement counts: what is still in use after full collections. */
public final class HeapUse {

    private HeapUse() {
    }

    /** The heap in use after full collections, once it stops shrinking (at most ten). */
    public static long afterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
