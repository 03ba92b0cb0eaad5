package io.viperdb.bench.store;

import io.viperdb.KeyValueStore;
import io.viperdb.StoreOptions;
import io.viperdb.WriteBatch;
import io.viperdb.bench.workload.Key;
import io.viperdb.spi.BytesCodec;
import java.nio.file.Path;

/**
 * ViperDB with the {@code bytes} codec, so that it stores the value bytes as they are, like the peers, and with its
 * default options otherwise (256 MiB log files, system clock). A batch of puts is one {@link WriteBatch}, as
 * RocksDB's is a write batch and LMDB's a transaction: atomic, and applied to the index in one go. {@link #flush()} is
 * ViperDB's {@code flush()}, which hands the buffers to the operating system; {@link #close()} syncs.
 */
final class ViperStore implements StoreAdapter {

    static final String NAME = "viper";

    private KeyValueStore<byte[]> store;
    private Path directory;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "Codec `bytes` (values stored as given), default options (256 MiB log files). Writes in a `WriteBatch` "
                + "of 1,000 puts (atomic); single writes one `put` each. `flush()` at the end of a fill (hands the write "
                + "buffers to the OS), `close()` syncs. `reclaim()` is the compaction. Takes the key as a `String`.";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        this.store = KeyValueStore.open(directory, StoreOptions.builder().codec(BytesCodec.NAME).build());
    }

    @Override
    public void put(Key key, byte[] value) {
        store.put(key.text(), value);
    }

    @Override
    public void putBatch(Key[] keys, byte[][] values, int count) {
        WriteBatch<byte[]> batch = new WriteBatch<>();
        for (int i = 0; i < count; i++) {
            batch.put(keys[i].text(), values[i]);
        }
        store.write(batch);
    }

    @Override
    public byte[] get(Key key) {
        return store.get(key.text());
    }

    @Override
    public void flush() {
        store.flush();
    }

    @Override
    public boolean compact() {
        store.reclaim();
        return true;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        store.close();
    }
}
