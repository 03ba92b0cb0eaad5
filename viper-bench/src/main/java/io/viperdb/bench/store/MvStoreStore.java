package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;

/**
 * H2's MVStore, one file, with its defaults: auto-commit on (a background thread writes a new chunk when about 1 MiB
 * of changes is pending or a second has passed), a 16 MiB page cache, no compression, background compaction of chunks
 * that are less than 90% full. Keys and values use {@code ByteArrayDataType} (stored as length and bytes, keys ordered
 * as unsigned bytes), not the default type that would serialize objects. {@link #flush()} commits. Note that
 * {@code MVMap.get} returns the array held in the cached page, not a copy.
 *
 * <p>The compaction is the offline one, {@code MVStore.compact(file, false, null)}, which copies the live data into a
 * new file and swaps it in (what H2 itself runs for {@code SHUTDOWN COMPACT}); it needs the store closed, so
 * {@link #compact()} closes, compacts and reopens. The online {@code compactFile(ms)} left the file the same size after
 * every key had been overwritten once, in our tests, so it is not what a user who wants the space back would run.
 */
final class MvStoreStore implements StoreAdapter {

    static final String NAME = "mvstore";

    private static final String FILE = "mvstore.db";
    private MVStore store;
    private MVMap<byte[], byte[]> map;
    private Path directory;
    private StoreShape shape;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "Defaults: auto-commit (background writer, 1 MiB / 1 s), 16 MiB cache, no compression, background "
                + "compaction of chunks. `ByteArrayDataType` for keys and values. `commit()` at the end of a fill, "
                + "`close()` stores and syncs. Compaction: the offline `MVStore.compact` into a new file, swapped in "
                + "(`compactFile()` did not shrink the file). `get` returns the cached array (no copy).";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        this.shape = shape;
        store = new MVStore.Builder().fileName(directory.resolve(FILE).toString()).open();
        map = store.openMap("bench", new MVMap.Builder<byte[], byte[]>()
                .keyType(ByteArrayDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    public void put(Key key, byte[] value) {
        map.put(key.bytes(), value);
    }

    @Override
    public byte[] get(Key key) {
        return map.get(key.bytes());
    }

    @Override
    public void flush() {
        store.commit();
    }

    @Override
    public boolean compact() {
        close();
        MVStore.compact(directory.resolve(FILE).toString(), false, null);
        open(directory, shape);
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
