package io.viperdb.bench.store;

import io.viperdb.bench.workload.Key;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

/**
 * LMDB through lmdbjava, with {@code byte[]} keys and values ({@code PROXY_BA}: the value comes back as a copy, like
 * every other store's). {@code MDB_NOSYNC}: a commit is not synced, so it survives a crash of the process (the pages
 * are in the shared mapping) but not of the machine, like the other stores here; close syncs. {@code MDB_NOTLS}: a read
 * transaction belongs to the object rather than the thread, so each thread keeps one and renews it per read (the
 * cheap way to read in LMDB), which is safe in thread pools. Writes go in one write transaction per batch of puts.
 * The map size is set far above the data (a sparse reservation of address space, not disk). The fill uses ordinary
 * puts, not {@code MDB_APPEND}, like every other store's fill: LMDB splits a full page in the middle, so a fill in key
 * order leaves its leaf pages about half full (with 1 KiB values, two to a 4 KiB page).
 *
 * <p>LMDB reuses freed pages and has no compaction in place; the careful user's way to shrink its file is a compacting
 * copy ({@code mdb_env_copy2} with {@code MDB_CP_COMPACT}) swapped in for the old file, which {@link #compact()} does.
 */
final class LmdbStore implements StoreAdapter {

    static final String NAME = "lmdb";

    private static final String DATA_FILE = "data.mdb";
    private static final String LOCK_FILE = "lock.mdb";
    private static final long MIN_MAP_SIZE = 1L << 30;

    private Env<byte[]> env;
    private Dbi<byte[]> dbi;
    private Path directory;
    private StoreShape shape;
    private ThreadLocal<Txn<byte[]>> readTxn;
    private final Queue<Txn<byte[]>> readTxns = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String configuration() {
        return "`MDB_NOSYNC` (commits not synced; `close()` syncs) and `MDB_NOTLS`; `byte[]` proxy; map size 8x the "
                + "data (address space only). One write transaction per batch of 1,000 puts, plain puts (no "
                + "`MDB_APPEND`, so a fill in key order leaves pages about half full); reads renew a per-thread read "
                + "transaction. No compaction in place: `compact` is a compacting copy (`MDB_CP_COMPACT`) swapped in "
                + "for the file.";
    }

    @Override
    public void open(Path directory, StoreShape shape) {
        this.directory = directory;
        this.shape = shape;
        long mapSize = Math.max(MIN_MAP_SIZE, 8 * shape.liveBytes());
        env = Env.create(ByteArrayProxy.PROXY_BA)
                .setMapSize(mapSize)
                .setMaxDbs(1)
                .open(directory.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
        dbi = env.openDbi("bench", DbiFlags.MDB_CREATE);
        readTxn = new ThreadLocal<>();
    }

    @Override
    public void put(Key key, byte[] value) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            dbi.put(txn, key.bytes(), value);
            txn.commit();
        }
    }

    @Override
    public void putBatch(Key[] keys, byte[][] values, int count) {
        try (Txn<byte[]> txn = env.txnWrite()) {
            for (int i = 0; i < count; i++) {
                dbi.put(txn, keys[i].bytes(), values[i]);
            }
            txn.commit();
        }
    }

    @Override
    public byte[] get(Key key) {
        Txn<byte[]> txn = readTxn.get();
        if (txn == null) {
            txn = env.txnRead();
            readTxns.add(txn);
            readTxn.set(txn);
        } else {
            txn.renew();
        }
        try {
            return dbi.get(txn, key.bytes());
        } finally {
            txn.reset();
        }
    }

    /** Nothing to do: every batch was committed, and a commit is in the shared mapping. */
    @Override
    public void flush() {
    }

    @Override
    public boolean compact() {
        Path copy = directory.resolveSibling(directory.getFileName() + ".compacting");
        try {
            Files.createDirectories(copy);
            env.copy(copy.toFile(), CopyFlags.MDB_CP_COMPACT);
            close();
            Files.move(copy.resolve(DATA_FILE), directory.resolve(DATA_FILE), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(directory.resolve(LOCK_FILE));
            Files.delete(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot compact LMDB in " + directory, e);
        }
        open(directory, shape);
        return true;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        for (Txn<byte[]> txn; (txn = readTxns.poll()) != null; ) {
            txn.close();
        }
        env.sync(true);
        env.close();
    }
}
