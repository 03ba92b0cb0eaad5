package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.nio.file.Path;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

/**
 * MapDB 3 as its documentation suggests for speed: a file store with memory-mapped files, transactions off (the
 * default; the write-ahead log would double every write), and an {@code HTreeMap} with the {@code BYTE_ARRAY}
 * serializers for keys and values. With transactions off, writes go into the mapped file and {@code commit()} only
 * syncs it, so {@link #flush()} does nothing (a crash of the process may still leave MapDB's own structures torn:
 * it promises nothing without transactions); {@link #close()} syncs. {@code Store.compact()} is the compaction; it
 * builds the compacted store in memory, on the Java heap, before writing it back, so it needs a heap as large as the
 * live data.
 */
final class MapDbStore implements StoreAdapter {

    static final String NAME = "mapdb";

    private static final String FILE = "mapdb.db";

    private DB db;
    private HTreeMap<byte[], byte[]> map;
    private Path directory;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "`fileDB` with `fileMmapEnableIfSupported()`, transactions off (default), `HTreeMap` with "
                + "`Serializer.BYTE_ARRAY` keys and values, default layout. No flush during a fill (writes are "
                + "in the mapped file; `commit()` would only fsync); `close()` syncs; `getStore().compact()` is the "
                + "compaction (it builds the new store on the Java heap).";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        db = DBMaker.fileDB(directory.resolve(FILE).toFile())
                .fileMmapEnableIfSupported()
                .make();
        map = db.hashMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    }

    @Override
    public void put(Key key, byte[] value) {
        map.put(key.bytes(), value);
    }

    @Override
    public byte[] get(Key key) {
        return map.get(key.bytes());
    }

    /** Nothing to do: the writes are in the shared mapping (see the class comment). */
    @Override
    public void flush() {
    }

    @Override
    public boolean compact() {
        db.getStore().compact();
        return true;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        db.close();
    }
}
