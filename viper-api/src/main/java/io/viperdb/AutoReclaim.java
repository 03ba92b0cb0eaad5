package io.viperdb;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a store runs {@link KeyValueStore#reclaim()} by itself, and how gently. Off by default, as a reclaim
 * rewrites every live record and an application may prefer to choose the moment.
 *
 * <p>When on, a background thread of the store reclaims once the dead records (removed, expired and overwritten
 * values, and delete records) are at least {@link #deadFraction()} of the value logs and at least
 * {@link #minDeadBytes()}, no sooner than {@link #minInterval()} after the previous reclaim ended, copying at most
 * {@link #maxBytesPerSecond()}. Reads and writes go on while it runs, as with a reclaim called by hand; closing the
 * store stops it, leaving the store as it was before it began.
 *
 * <p>The value logs stay near {@code 1 / (1 - deadFraction)} times the live data as long as the reclaims copy faster
 * than the writes make dead records. When they do not, the value logs reach a ceiling: twice the live data (or
 * {@code 1 / (1 - deadFraction)} times, if higher), plus {@code minDeadBytes}, plus two log files (one reclaim step).
 * Past it a reclaim starts at once, whatever the interval, and each write waits for it to make room, for at most a
 * second: the space stays bounded instead of growing with every write.
 *
 * <pre>{@code
 * StoreOptions options = StoreOptions.builder()
 *         .autoReclaim(AutoReclaim.whenDeadFractionExceeds(0.4).minInterval(Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 */
public final class AutoReclaim {

    /** The default of {@link #minDeadBytes(long)}: 16 MiB. */
    public static final long DEFAULT_MIN_DEAD_BYTES = 16L << 20;
    /** The default of {@link #minInterval(Duration)}: one second. */
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);

    private static final AutoReclaim OFF = new AutoReclaim(1, Long.MAX_VALUE, Duration.ZERO, Long.MAX_VALUE);

    private final double deadFraction;
    private final long minDeadBytes;
    private final Duration minInterval;
    private final long maxBytesPerSecond;

    private AutoReclaim(double deadFraction, long minDeadBytes, Duration minInterval, long maxBytesPerSecond) {
        this.deadFraction = deadFraction;
        this.minDeadBytes = minDeadBytes;
        this.minInterval = minInterval;
        this.maxBytesPerSecond = maxBytesPerSecond;
    }

    /**
     * No automatic reclaim: only {@link KeyValueStore#reclaim()} reclaims. The default.
     *
     * @return the policy that never reclaims by itself
     */
    public static AutoReclaim off() {
        return OFF;
    }

    /**
     * Reclaims when dead records are more than {@code fraction} of the value logs (and at least
     * {@link #DEFAULT_MIN_DEAD_BYTES}), at most once per {@link #DEFAULT_MIN_INTERVAL}, at full speed.
     *
     * @param fraction the share of the value logs that dead records must pass
     * @return the policy
     * @throws IllegalArgumentException unless {@code 0 < fraction < 1}
     */
    public static AutoReclaim whenDeadFractionExceeds(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("The dead fraction must be above 0 and below 1, was " + fraction);
        }
        return new AutoReclaim(fraction, DEFAULT_MIN_DEAD_BYTES, DEFAULT_MIN_INTERVAL, Long.MAX_VALUE);
    }

    /**
     * The same, but waiting until there are at least {@code bytes} of dead records, so that a small store is not
     * rewritten over and over for little gain.
     *
     * @param bytes the least bytes of dead records worth a reclaim
     * @return a policy with this setting and the others of this one
     * @throws IllegalArgumentException if negative
     */
    public AutoReclaim minDeadBytes(long bytes) {
        requireOn();
        if (bytes < 0) {
            throw new IllegalArgumentException("minDeadBytes must not be negative, was " + bytes);
        }
        return new AutoReclaim(deadFraction, bytes, minInterval, maxBytesPerSecond);
    }

    /**
     * The same, but leaving at least {@code interval} between the end of one reclaim and the start of the next.
     *
     * @param interval the least time between two automatic reclaims
     * @return a policy with this setting and the others of this one
     * @throws IllegalArgumentException if negative
     */
    public AutoReclaim minInterval(Duration interval) {
        requireOn();
        if (Objects.requireNonNull(interval, "interval").isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative, was " + interval);
        }
        return new AutoReclaim(deadFraction, minDeadBytes, interval, maxBytesPerSecond);
    }

    /**
     * The same, but copying live records at most this fast, so that a reclaim leaves the disk to the application.
     *
     * @param bytes the most bytes an automatic reclaim copies per second
     * @return a policy with this setting and the others of this one
     * @throws IllegalArgumentException unless positive
     */
    public AutoReclaim maxBytesPerSecond(long bytes) {
        requireOn();
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxBytesPerSecond must be positive, was " + bytes);
        }
        return new AutoReclaim(deadFraction, minDeadBytes, minInterval, bytes);
    }

    private void requireOn() {
        if (this == OFF) {
            throw new IllegalStateException("AutoReclaim.off() has no settings; start from whenDeadFractionExceeds");
        }
    }

    /** {@return whether the store reclaims by itself} */
    public boolean enabled() {
        return this != OFF;
    }

    /** {@return the share of the value logs that dead records must pass} */
    public double deadFraction() {
        return deadFraction;
    }

    /** {@return the bytes of dead records there must be at least} */
    public long minDeadBytes() {
        return minDeadBytes;
    }

    /** {@return the least time between the end of one automatic reclaim and the start of the next} */
    public Duration minInterval() {
        return minInterval;
    }

    /** {@return the most bytes per second an automatic reclaim copies; {@link Long#MAX_VALUE} when unlimited} */
    public long maxBytesPerSecond() {
        return maxBytesPerSecond;
    }

    /**
     * Whether a store with {@code recordBytes} of records, of which {@code liveBytes} are live, should reclaim now.
     *
     * @param recordBytes the bytes of all the records of the value logs
     * @param liveBytes the bytes of the live ones among them
     * @return true if the policy is on and the dead records pass both its fraction and its minimum
     */
    public boolean due(long recordBytes, long liveBytes) {
        long dead = recordBytes - liveBytes;
        return enabled() && dead > 0 && dead >= minDeadBytes && dead > deadFraction * recordBytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AutoReclaim a && a.deadFraction == deadFraction && a.minDeadBytes == minDeadBytes
                && a.minInterval.equals(minInterval) && a.maxBytesPerSecond == maxBytesPerSecond;
    }

    @Override
    public int hashCode() {
        return Objects.hash(deadFraction, minDeadBytes, minInterval, maxBytesPerSecond);
    }

    @Override
    public String toString() {
        if (!enabled()) {
            return "AutoReclaim.off()";
        }
        return "AutoReclaim.whenDeadFractionExceeds(" + deadFraction + ").minDeadBytes(" + minDeadBytes
                + ").minInterval(" + minInterval + ")"
                + (maxBytesPerSecond == Long.MAX_VALUE ? "" : ".maxBytesPerSecond(" + maxBytesPerSecond + ")");
    }
}
