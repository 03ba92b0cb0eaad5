package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map persisted to one file, sized for the keys to come as its documentation asks (entries, a constant key
 * size, the average value size), with {@code putReturnsNull} so that a put does not copy out the value it replaces.
 * Every write goes straight into the memory-mapped file, so it survives a crash of the process at once; Chronicle Map
 * has no call to sync the file, and none to compact it (it allocates for the configured entries up front and reuses
 * the space of overwritten values in place).
 */
final class ChronicleStore implements StoreAdapter {

    static final String NAME = "chronicle";

    private static final String FILE = "chronicle.dat";

    private ChronicleMap<byte[], byte[]> map;
    private Path directory;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "Persisted to one file; `entries` = the key count, constant 16-byte keys, `averageValueSize` = the "
                + "value size, `putReturnsNull(true)`. Writes go into the mapped file (no sync call exists); no "
                + "compaction exists. Analytics disabled (`-Dchronicle.analytics.disable=true`).";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        try {
            map = ChronicleMap.of(byte[].class, byte[].class)
                    .name("viper-bench")
                    .entries(shape.keys())
                    .constantKeySizeBySample(new byte[shape.keySize()])
                    .averageValueSize(shape.valueSize())
                    .putReturnsNull(true)
                    .removeReturnsNull(true)
                    .createPersistedTo(directory.resolve(FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open Chronicle Map in " + directory, e);
        }
    }

    @Override
    public void put(Key key, byte[] value) {
        map.put(key.bytes(), value);
    }

    @Override
    public byte[] get(Key key) {
        return map.get(key.bytes());
    }

    /** Nothing to do: every write is already in the shared mapping of the file. */
    @Override
    public void flush() {
    }

    @Override
    public boolean compact() {
        return false;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        map.close();
    }
}
