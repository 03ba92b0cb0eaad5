package io.viperdb.bench;

import java.util.List;

/**
 * How much a run measures: which stores and value sizes, how many keys, and how long JMH warms up and measures.
 *
 * @param mode "quick" or "full"
 * @param keyCount keys per store
 * @param valueSizes the value sizes, in bytes
 * @param stores the stores' short names, ViperDB first
 * @param warmupIterations JMH warm-up iterations of each read and write benchmark
 * @param warmupSeconds the length of each of those
 * @param measurementIterations JMH measured iterations of each read and write benchmark
 * @param measurementSeconds the length of each of those
 * @param forks JMH forks (fresh JVMs, each filling its own store) per benchmark and store
 * @param fillWarmups fills per fork that are not counted
 * @param fillMeasurements fills per fork that are counted
 * @param reopenKeyCount the keys of a second, larger store that is only filled and reopened, so that the report
 *     shows how the reopen time grows with the number of keys; 0 for none
 */
public record Settings(String mode, int keyCount, List<Integer> valueSizes, List<String> stores,
        int warmupIterations, int warmupSeconds, int measurementIterations, int measurementSeconds, int forks,
        int fillWarmups, int fillMeasurements, int reopenKeyCount) {

    public Settings {
        if (reopenKeyCount != 0 && reopenKeyCount < 2) {
            throw new IllegalArgumentException("reopenKeyCount must be 0 (none) or at least 2, was " + reopenKeyCount);
        }
    }

    /**
     * The stores and sizes of the issue, at a million keys, long enough to trust on a quiet machine (35 to 70 min),
     * and the reopen at ten million keys, where an index that is rebuilt at every open costs seconds (the six stores
     * of ten million keys took about 4 minutes of that on two cores, 1.6 of them MapDB's fill).
     */
    public static Settings full(List<String> stores) {
        return new Settings("full", 1_000_000, List.of(100, 1024), stores, 2, 3, 5, 3, 1, 1, 3, 10_000_000);
    }

    /**
     * Everything once, small and short: checks the harness end to end in about six minutes on two cores. The second
     * reopen is at the full mode's key count, five times the quick one, large enough to show growth and cheap to fill.
     */
    public static Settings quick(List<String> stores) {
        return new Settings("quick", 200_000, List.of(100), stores, 1, 1, 2, 1, 1, 1, 1, 1_000_000);
    }

    public Settings withKeyCount(int keys) {
        return new Settings(mode, keys, valueSizes, stores, warmupIterations, warmupSeconds, measurementIterations,
                measurementSeconds, forks, fillWarmups, fillMeasurements, reopenKeyCount);
    }

    public Settings withValueSizes(List<Integer> sizes) {
        return new Settings(mode, keyCount, List.copyOf(sizes), stores, warmupIterations, warmupSeconds,
                measurementIterations, measurementSeconds, forks, fillWarmups, fillMeasurements, reopenKeyCount);
    }

    /** These settings with the second reopen at {@code keys} keys, or without it for 0. */
    public Settings withReopenKeyCount(int keys) {
        return new Settings(mode, keyCount, valueSizes, stores, warmupIterations, warmupSeconds, measurementIterations,
                measurementSeconds, forks, fillWarmups, fillMeasurements, keys);
    }

    /**
     * The value size of the store reopened at {@link #reopenKeyCount} keys: the run's smallest, which makes the
     * cheapest fill and, per key, the largest index next to the data.
     */
    public int reopenValueSize() {
        return valueSizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    }

    public boolean quick() {
        return mode.equals("quick");
    }
}
