package io.viperdb.kafka;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The context Kafka gives a store at init, reduced to what a store uses: a state directory, the app config, the
 * record being processed, and the restore callback the store registers (kept for the test to call).
 */
final class TestContext implements StateStoreContext {

    private final Path stateDir;
    private final Map<String, Object> config = new HashMap<>();
    private final TaskId taskId = new TaskId(0, 3);
    private RecordMetadata record;
    StateRestoreCallback restoreCallback;

    TestContext(Path stateDir) {
        this.stateDir = stateDir;
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "viperdb-test");
    }

    /** {@return this context under exactly_once_v2} */
    TestContext exactlyOnce() {
        return with(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    }

    TestContext with(String key, Object value) {
        config.put(key, value);
        return this;
    }

    /** Sets the record being processed, as a stream thread does before it calls the processor. */
    void processing(String topic, int partition, long offset) {
        record = new RecordMetadata() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }
        };
    }

    /** {@return a new ViperDB store named {@code name}, initialized with this context as Kafka would} */
    KeyValueStore<Bytes, byte[]> open(String name) {
        KeyValueStore<Bytes, byte[]> store = ViperStores.keyValueStore(name).get();
        store.init(this, store);
        return store;
    }

    BatchingStateRestoreCallback restorer() {
        return (BatchingStateRestoreCallback) restoreCallback;
    }

    @Override
    public String applicationId() {
        return "viperdb-test";
    }

    @Override
    public TaskId taskId() {
        return taskId;
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return Optional.ofNullable(record);
    }

    @Override
    public Serde<?> keySerde() {
        return null;
    }

    @Override
    public Serde<?> valueSerde() {
        return null;
    }

    @Override
    public File stateDir() {
        return stateDir.toFile();
    }

    @Override
    public StreamsMetrics metrics() {
        throw new UnsupportedOperationException("no metrics in this test context");
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback) {
        restoreCallback = callback;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback commitCallback) {
        restoreCallback = callback;
    }

    @Override
    public Map<String, Object> appConfigs() {
        return Map.copyOf(config);
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        Map<String, Object> found = new HashMap<>();
        config.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key.substring(prefix.length()), value);
            }
        });
        return found;
    }
}
