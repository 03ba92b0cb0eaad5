package io.viperdb.kafka;

import io.viperdb.AutoReclaim;
import io.viperdb.StoreOptions;
import io.viperdb.spi.BytesCodec;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a ViperDB state store is opened and kept, from the application's config (keys with the prefix
 * {@value #PREFIX}) or from the {@link StoreOptions} given to {@link ViperStores#keyValueStore(String, StoreOptions)}.
 *
 * <p>The defaults start no thread in any store: the engine's sync policy is {@code manual} and its automatic reclaim
 * off; the store syncs at each of Kafka's commits and asks a thread shared by all stores ({@link SharedReclaimer}) to
 * reclaim when a commit finds enough dead space.
 *
 * @param options the options the ViperDB store is opened with (codec {@code bytes})
 * @param syncOnCommit whether a commit syncs (survives a power loss) or only flushes (survives a crash of the process)
 * @param reclaim when a commit asks for a reclaim; {@link AutoReclaim#off()} for never
 */
record StoreSettings(StoreOptions options, boolean syncOnCommit, AutoReclaim reclaim) {

    /** The prefix of ViperDB's keys in Kafka Streams' config. */
    static final String PREFIX = "viperdb.";
    /** Config: the size of a value log file, in bytes (default {@value #DEFAULT_LOG_FILE_SIZE}). */
    static final String LOG_FILE_SIZE = "log.file.size";
    /** Config: whether a commit syncs (true, the default) or only flushes (false). */
    static final String SYNC_ON_COMMIT = "sync.on.commit";
    /** Config: the share of dead bytes past which a commit asks for a reclaim (default 0.5); 0 turns it off. */
    static final String RECLAIM_DEAD_FRACTION = "reclaim.dead.fraction";
    /** Config: the least dead bytes worth a reclaim (default: one log file). */
    static final String RECLAIM_MIN_DEAD_BYTES = "reclaim.min.dead.bytes";

    /**
     * 16 MiB: Kafka opens a store per partition and per operator, often hundreds, most of them small; smaller files
     * also make each reclaim step smaller.
     */
    static final long DEFAULT_LOG_FILE_SIZE = 16L << 20;
    static final double DEFAULT_DEAD_FRACTION = 0.5;

    /**
     * {@return the settings from the config's {@value #PREFIX} keys (given without their prefix), with
     * {@code options} instead of those of the engine when not null}
     *
     * @param config the application's config under {@value #PREFIX}, prefix removed
     * @param options the options given to the store supplier, or null
     * @throws ConfigException if a value is not valid
     */
    static StoreSettings from(Map<String, Object> config, StoreOptions options) {
        StoreOptions engine = options != null ? withBytesCodec(options) : fromConfig(config);
        boolean syncOnCommit = Boolean.parseBoolean(String.valueOf(config.getOrDefault(SYNC_ON_COMMIT, "true")));
        double fraction = decimal(config, RECLAIM_DEAD_FRACTION, DEFAULT_DEAD_FRACTION);
        AutoReclaim reclaim = AutoReclaim.off();
        // An engine that reclaims by itself (StoreOptions given with autoReclaim) needs no reclaim asked by commits.
        if (fraction > 0 && !engine.autoReclaim().enabled()) {
            try {
                reclaim = AutoReclaim.whenDeadFractionExceeds(fraction)
                        .minDeadBytes(number(config, RECLAIM_MIN_DEAD_BYTES, engine.logFileSize()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PREFIX + RECLAIM_DEAD_FRACTION, fraction, e.getMessage());
            }
        }
        return new StoreSettings(engine, syncOnCommit, reclaim);
    }

    private static StoreOptions fromConfig(Map<String, Object> config) {
        long logFileSize = number(config, LOG_FILE_SIZE, DEFAULT_LOG_FILE_SIZE);
        try {
            return StoreOptions.builder().codec(BytesCodec.NAME).logFileSize(logFileSize).build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PREFIX + LOG_FILE_SIZE, logFileSize, e.getMessage());
        }
    }

    /** {@return {@code options} with the {@code bytes} codec}; Kafka's values are bytes */
    static StoreOptions withBytesCodec(StoreOptions options) {
        String codec = options.codecName().orElse(BytesCodec.NAME);
        if (!codec.equals(BytesCodec.NAME) || options.readOnly()) {
            throw new IllegalArgumentException("A Kafka Streams state store keeps Kafka's bytes as they are: its "
                    + "options must name the '" + BytesCodec.NAME + "' codec or none, and not be read-only; got "
                    + options);
        }
        return StoreOptions.builder().codec(BytesCodec.NAME).clock(options.clock())
                .logFileSize(options.logFileSize()).syncPolicy(options.syncPolicy())
                .autoReclaim(options.autoReclaim()).build();
    }

    private static long number(Map<String, Object> config, String key, long defaultValue) {
        return parse(config, key, defaultValue, Long::parseLong, "not a whole number of bytes");
    }

    private static double decimal(Map<String, Object> config, String key, double defaultValue) {
        return parse(config, key, defaultValue, Double::parseDouble, "not a number");
    }

    private static <T> T parse(Map<String, Object> config, String key, T defaultValue, Function<String, T> parser,
            String problem) {
        Object value = config.get(key);
        try {
            return value == null ? defaultValue : parser.apply(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(PREFIX + key, value, problem);
        }
    }
}
