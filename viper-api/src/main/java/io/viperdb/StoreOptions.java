package io.viperdb;

import io.viperdb.spi.ValueCodec;
import io.viperdb.spi.ValueCodecs;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a store: which codec, which clock, how large a log file grows, when writes are synced, whether the store
 * reclaims space by itself. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * StoreOptions options = StoreOptions.builder().codec("kryo").build();
 * }</pre>
 */
public final class StoreOptions {

    /** The default size at which a value log file is closed and a new one started: 256 MiB. */
    public static final long DEFAULT_LOG_FILE_SIZE = 256L << 20;
    /** The smallest log file size accepted: 4 KiB. */
    public static final long MIN_LOG_FILE_SIZE = 4L << 10;
    /** The largest log file size accepted: 1 GiB, so that one memory mapping covers each file. */
    public static final long MAX_LOG_FILE_SIZE = 1L << 30;

    private static final StoreOptions DEFAULTS = new Builder().build();

    private final String codecName;
    private final ValueCodec<?> codec;
    private final Clock clock;
    private final long logFileSize;
    private final SyncPolicy syncPolicy;
    private final AutoReclaim autoReclaim;
    private final boolean readOnly;
    private final boolean rawValues;

    private StoreOptions(Builder builder) {
        this.codecName = builder.codecName;
        this.codec = builder.codec;
        this.clock = builder.clock;
        this.logFileSize = builder.logFileSize;
        this.syncPolicy = builder.syncPolicy;
        this.autoReclaim = builder.autoReclaim;
        this.readOnly = builder.readOnly;
        this.rawValues = builder.rawValues;
    }

    /** {@return options that name no codec, use the system clock, the default log file size and no automatic sync or reclaim} */
    public static StoreOptions defaults() {
        return DEFAULTS;
    }

    /** {@return a new builder, set to the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return the name of the codec these options ask for, from {@link Builder#codec(String)} or the name of the codec
     * given to {@link Builder#codec(ValueCodec)}; empty when they name none}
     */
    public Optional<String> codecName() {
        return codec != null ? Optional.of(codec.name()) : Optional.ofNullable(codecName);
    }

    /** {@return the codec instance given to {@link Builder#codec(ValueCodec)}, if any} */
    public Optional<ValueCodec<?>> codec() {
        return Optional.ofNullable(codec);
    }

    /** {@return the clock that judges expiry and stamps records} */
    public Clock clock() {
        return clock;
    }

    /** {@return the size in bytes at which the store closes its current value log file and starts a new one} */
    public long logFileSize() {
        return logFileSize;
    }

    /** {@return when writes are forced to the device; see {@link SyncPolicy}} */
    public SyncPolicy syncPolicy() {
        return syncPolicy;
    }

    /** {@return whether and how the store reclaims space by itself; see {@link AutoReclaim}} */
    public AutoReclaim autoReclaim() {
        return autoReclaim;
    }

    /** {@return whether the store is opened read-only; see {@link Builder#readOnly()}} */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * {@return whether values are handed over as their stored bytes, whatever the codec; see
     * {@link Builder#rawValues()}}
     */
    public boolean rawValues() {
        return rawValues;
    }

    @Override
    public String toString() {
        return "StoreOptions[codec=" + (rawValues ? "(raw values)" : codecName().orElse("(the store's own)"))
                + ", clock=" + clock + ", logFileSize=" + logFileSize + ", syncPolicy=" + syncPolicy
                + ", autoReclaim=" + autoReclaim + (readOnly ? ", readOnly" : "") + "]";
    }

    /** Builds {@link StoreOptions}. Not thread-safe. */
    public static final class Builder {
        private String codecName;
        private ValueCodec<?> codec;
        private Clock clock = Clock.systemUTC();
        private long logFileSize = DEFAULT_LOG_FILE_SIZE;
        private SyncPolicy syncPolicy = SyncPolicy.manual();
        private AutoReclaim autoReclaim = AutoReclaim.off();
        private boolean readOnly;
        private boolean rawValues;

        private Builder() {
        }

        /**
         * Uses the codec of this name, found with {@link java.util.ServiceLoader} when the store opens. Replaces any
         * codec set before.
         *
         * @param name the codec's name, for example {@code "json"} or {@code "kryo"}
         * @return this builder
         * @throws IllegalArgumentException if the name is not a valid codec name (see {@link ValueCodecs#checkName})
         */
        public Builder codec(String name) {
            this.codecName = ValueCodecs.checkName(Objects.requireNonNull(name, "codec name"));
            this.codec = null;
            return this;
        }

        /**
         * Uses this codec instance, which need not be registered as a service. Replaces any codec set before. Its name
         * is what the store records and checks on the next open.
         *
         * @param codec the codec
         * @return this builder
         * @throws IllegalArgumentException if the codec's name is not a valid codec name
         */
        public Builder codec(ValueCodec<?> codec) {
            ValueCodecs.checkName(Objects.requireNonNull(codec, "codec").name());
            this.codec = codec;
            this.codecName = null;
            return this;
        }

        /**
         * Judges expiry and stamps records with this clock; the default is {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Closes a value log file and starts a new one once it reaches this many bytes (default 256 MiB). Smaller files
         * let {@code reclaim} work in smaller steps; a file never exceeds 2 GiB, so one memory mapping covers it.
         *
         * @param bytes the size at which a value log file is closed
         * @return this builder
         * @throws IllegalArgumentException if outside {@link #MIN_LOG_FILE_SIZE} to {@link #MAX_LOG_FILE_SIZE}
         */
        public Builder logFileSize(long bytes) {
            if (bytes < MIN_LOG_FILE_SIZE || bytes > MAX_LOG_FILE_SIZE) {
                throw new IllegalArgumentException("logFileSize must be between " + MIN_LOG_FILE_SIZE + " and "
                        + MAX_LOG_FILE_SIZE + " bytes, was " + bytes);
            }
            this.logFileSize = bytes;
            return this;
        }

        /**
         * Forces writes to the device as {@code policy} says; the default is {@link SyncPolicy#manual()}.
         *
         * @param policy when to sync
         * @return this builder
         */
        public Builder syncPolicy(SyncPolicy policy) {
            this.syncPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Reclaims space in the background as {@code policy} says; the default is {@link AutoReclaim#off()}.
         *
         * @param policy when and how fast to reclaim
         * @return this builder
         */
        public Builder autoReclaim(AutoReclaim policy) {
            this.autoReclaim = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Opens the store read-only: opening writes nothing at all, so a store on a read-only file system, of another
         * user, or one you must not change (evidence, a backup) can be read.
         *
         * <ul>
         *   <li>The store must exist; nothing is created, not even the lock file.</li>
         *   <li>What a writable open would repair is left as it is and ignored in memory: a torn tail left by a crash
         *       is not read, a damaged key log is rebuilt in memory only, files left by an interrupted reclaim stay.
         *       Damage a writable open refuses is refused here too.</li>
         *   <li>Read-only openers share the store, in this JVM and across processes (a shared lock on
         *       {@code viper.lock}, where that file exists); a writer and a read-only opener exclude each other, so the
         *       files never change under a reader ({@link StoreLockedException} for whichever comes second).</li>
         *   <li>{@code put}, {@code remove}, {@code write}, {@code reclaim}, {@code flush} and {@code sync} throw
         *       {@link StoreReadOnlyException}; reads, {@code verify()}, {@code stats()} and {@code backupTo} work.
         *       The sync policy and automatic reclaim are not used.</li>
         * </ul>
         *
         * @return this builder
         */
        public Builder readOnly() {
            this.readOnly = true;
            return this;
        }

        /**
         * Hands values over as the bytes the store's codec wrote (a {@code byte[]} per value) instead of decoding
         * them, and opens the store whatever codec it was written with, also one that is not on the module path or
         * was built in code. {@link KeyValueStore#stats()} still names the store's codec. For tools that need no
         * values or copy them as they are (the command line's {@code info}, {@code keys} and {@code verify}). Only
         * with {@link #readOnly()}: bytes written past the codec could be bytes it cannot read.
         *
         * @return this builder
         */
        public Builder rawValues() {
            this.rawValues = true;
            return this;
        }

        /**
         * Builds the options set on this builder. The builder can go on being used; the options do not change with
         * it.
         *
         * @return the options
         * @throws IllegalStateException if {@link #rawValues()} is set without {@link #readOnly()}, or with a codec
         */
        public StoreOptions build() {
            if (rawValues && !readOnly) {
                throw new IllegalStateException("rawValues() needs readOnly(): a store takes writes only through its "
                        + "codec");
            }
            if (rawValues && (codec != null || codecName != null)) {
                throw new IllegalStateException("rawValues() opens a store whatever its codec; name no codec with it");
            }
            return new StoreOptions(this);
        }
    }
}
