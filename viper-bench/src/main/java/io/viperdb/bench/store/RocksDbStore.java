package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB as its own tuning guide suggests for a point-lookup key-value map, and no further: default options (write
 * buffer, block cache, compression, two background jobs) plus a 10-bit Bloom filter per key, which the guide
 * recommends whenever reads are point lookups. The write-ahead log is on and not synced per write (the default
 * {@code WriteOptions}), which makes every write survive a crash of the process, as ViperDB's writes do after a
 * flush. Batches of puts go through one {@code WriteBatch}. Close flushes the memtable to a synced table file, so
 * the files measured after close hold the data once, not in the log as well.
 */
final class RocksDbStore implements StoreAdapter {

    static final String NAME = "rocksdb";

    static {
        RocksDB.loadLibrary();
    }

    private Options options;
    private BloomFilter bloomFilter;
    private WriteOptions writeOptions;
    private RocksDB db;
    private Path directory;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "Default options (LSM with Snappy compression, default block cache, 2 background jobs) plus a "
                + "10-bit Bloom filter, as RocksDB's tuning guide recommends for point lookups. WAL on, not synced "
                + "per write. Writes in a `WriteBatch` of 1,000 puts. `close()` flushes the memtable and waits. "
                + "`compactRange()` is the compaction.";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        bloomFilter = new BloomFilter(10);
        options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(bloomFilter));
        writeOptions = new WriteOptions();
        try {
            db = RocksDB.open(options, directory.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open RocksDB in " + directory, e);
        }
    }

    @Override
    public void put(Key key, byte[] value) {
        try {
            db.put(writeOptions, key.bytes(), value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void putBatch(Key[] keys, byte[][] values, int count) {
        try (WriteBatch batch = new WriteBatch()) {
            for (int i = 0; i < count; i++) {
                batch.put(keys[i].bytes(), values[i]);
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] get(Key key) {
        try {
            return db.get(key.bytes());
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Nothing to do: each write was already handed to the operating system in the write-ahead log. */
    @Override
    public void flush() {
    }

    @Override
    public boolean compact() {
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
            db.closeE();
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot close RocksDB in " + directory, e);
        } finally {
            writeOptions.close();
            options.close();
            bloomFilter.close();
        }
    }
}
