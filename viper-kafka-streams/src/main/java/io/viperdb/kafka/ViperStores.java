package io.viperdb.kafka;

import io.viperdb.StoreOptions;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Persistent key-value state stores of Kafka Streams kept in ViperDB, in place of RocksDB.
 *
 * <pre>{@code
 * builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
 *        .groupBy((key, word) -> word)
 *        .count(Materialized.as(ViperStores.keyValueStore("counts")));
 * }</pre>
 *
 * <p>Each store lives in {@code <state.dir>/<application.id>/<task>/<name>}, a ViperDB store of the {@code bytes}
 * codec. It implements Kafka's {@code KeyValueStore<Bytes, byte[]>} completely (keys in unsigned byte order, the
 * order of {@link Bytes#compareTo}; iterators closed with the store) and {@code TimestampedBytesStore}, manages its
 * changelog offsets (written atomically with its position at each commit, then synced), answers {@code KeyQuery} and
 * {@code RangeQuery} with position bounds, and under {@code exactly_once_v2} asks Kafka to wipe and restore it when it
 * was not closed cleanly. A key is at most {@value KeySpace#MAX_USER_KEY_BYTES} bytes.
 *
 * <p>Settings come from the application's config, under the prefix {@code viperdb.}:
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>what it does</th></tr>
 *   <tr><td>{@code viperdb.log.file.size}</td><td>16777216 (16 MiB)</td><td>the size at which a value log file is
 *       closed and the next started</td></tr>
 *   <tr><td>{@code viperdb.sync.on.commit}</td><td>true</td><td>a commit syncs (survives a power loss); false: it
 *       flushes (survives a crash of the process)</td></tr>
 *   <tr><td>{@code viperdb.reclaim.dead.fraction}</td><td>0.5</td><td>a commit asks for a reclaim, run on one thread
 *       shared by every store, when dead records pass this share of the value logs; 0 turns it off</td></tr>
 *   <tr><td>{@code viperdb.reclaim.min.dead.bytes}</td><td>the log file size</td><td>the least dead bytes worth a
 *       reclaim</td></tr>
 * </table>
 * With these a store starts no thread of its own.
 */
public final class ViperStores {

    /** The metrics scope of every ViperDB store supplier. */
    public static final String METRICS_SCOPE = "viperdb";

    private ViperStores() {
    }

    /**
     * Supplies ViperDB stores named {@code name}, with settings from the application's {@code viperdb.} config.
     *
     * @param name the store's name: a valid Kafka topic name, as it names the changelog topic too
     * @return a supplier of a new store at each {@code get()}
     */
    public static KeyValueBytesStoreSupplier keyValueStore(String name) {
        Objects.requireNonNull(name, "name cannot be null");
        return new Supplier(name, config -> StoreSettings.from(config, null));
    }

    /**
     * Supplies ViperDB stores named {@code name}, opened with {@code options} (log file size, sync policy, automatic
     * reclaim, clock) instead of the {@code viperdb.log.file.size} config; the other {@code viperdb.} settings still
     * come from the application's config. A sync policy other than {@code manual} or an automatic reclaim start
     * threads in every store.
     *
     * @param name the store's name: a valid Kafka topic name, as it names the changelog topic too
     * @param options how to open the ViperDB store; its codec must be {@code bytes} or none, and it must not be
     *     read-only
     * @return a supplier of a new store at each {@code get()}
     * @throws IllegalArgumentException if {@code options} name another codec or are read-only
     */
    public static KeyValueBytesStoreSupplier keyValueStore(String name, StoreOptions options) {
        Objects.requireNonNull(name, "name cannot be null");
        StoreOptions checked = StoreSettings.withBytesCodec(Objects.requireNonNull(options, "options cannot be null"));
        return new Supplier(name, config -> StoreSettings.from(config, checked));
    }

    /** The supplier: a new store at each call, settings read from the app config when the store is initialized. */
    private record Supplier(String name, Function<Map<String, Object>, StoreSettings> settings)
            implements KeyValueBytesStoreSupplier {

        @Override
        public KeyValueStore<Bytes, byte[]> get() {
            return new ViperKeyValueStore(name, settings);
        }

        @Override
        public String metricsScope() {
            return METRICS_SCOPE;
        }
    }
}
