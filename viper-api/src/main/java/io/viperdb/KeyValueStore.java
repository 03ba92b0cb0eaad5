package io.viperdb;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A persistent map from {@code String} keys to values, stored in one directory.
 *
 * <p>Writes append to a value log and a key log; every live key is held in memory with the place of its value, so a
 * read is one hash lookup and one read from a memory mapping. Removed, expired and overwritten values keep their
 * space on disk until {@link #reclaim()} rewrites only the live ones. Values are turned into bytes by the store's
 * {@link io.viperdb.spi.ValueCodec codec}, chosen when the store is created and recorded in it.
 *
 * <pre>{@code
 * try (KeyValueStore<Object> store = KeyValueStore.open(Path.of("data"))) {
 *     store.put("greeting", "hello");
 *     store.put("session", Map.of("user", 42), Duration.ofMinutes(30));
 *     Object greeting = store.get("greeting");
 * }
 * }</pre>
 *
 * <h2>Keys</h2>
 * Any {@code String} whose UTF-8 encoding is at most {@link #MAX_KEY_BYTES} bytes, the empty string and any Unicode
 * text included. A string with an unpaired surrogate {@code char} is not Unicode text and is refused, because it has
 * no UTF-8 encoding that would give it back. A key is its UTF-8 bytes: {@link #byteKeys()} gives the same store with
 * byte keys, where any sequence of up to {@link #MAX_KEY_BYTES} bytes is a key.
 *
 * <h2>Scans</h2>
 * {@link #scan(KeyRange, Direction)} visits the keys of a range or prefix, forward or in reverse, in unsigned byte
 * order of the keys' bytes, which for {@code String} keys is the order of their Unicode code points (see
 * {@link KeyRange}). A scan is a {@link Cursor}: weakly consistent, lazy about values, closed with the store.
 *
 * <h2>Threads</h2>
 * A store is safe for concurrent use. Reads run concurrently with each other and with writes and never see a
 * partly written value; writes are applied one at a time, in the order they take the store's write lock.
 *
 * <h2>Atomic operations</h2>
 * {@link #putIfAbsent putIfAbsent}, {@link #replace(String, Object) replace}, {@link #remove(String, Object)
 * remove(key, expected)}, {@link #getAndRemove getAndRemove}, {@link #compute compute},
 * {@link #computeIfAbsent computeIfAbsent}, {@link #computeIfPresent computeIfPresent} and {@link #merge merge} read
 * the key's value and write the new one under the store's write lock, so each is atomic against every other write:
 * puts, removes, batches, other atomic operations and the index updates of a reclaim. They behave as
 * {@link ConcurrentMap}'s methods of the same names, except that:
 * <ul>
 *   <li>an expected value is compared with {@link Object#equals equals} of the <em>decoded</em> values: the store
 *       compares what its codec gives back, not the object that was put, so a codec that does not give back an equal
 *       object (a kryo class without {@code equals}, for example) never matches;</li>
 *   <li>an expired key is absent, as for every method;</li>
 *   <li>a value they write has no expiry, as with {@link #put(String, Object)}, unless the method takes a time to
 *       live: writing a key's value ends the expiry of the value it replaces;</li>
 *   <li>a function given to {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} or {@code merge} runs
 *       exactly once per call, holding the store's write lock, so every other writer waits for it: keep it short.
 *       It must not call this store: any call of the store from inside it, on the same thread, throws
 *       {@link IllegalStateException} and does nothing, rather than deadlock or lose the outer update (on another
 *       thread, a write would wait for the function, which waits for it: a deadlock). If the function throws, the
 *       exception reaches the caller and nothing is written.</li>
 * </ul>
 * {@link #asMap()} gives the store as a {@link ConcurrentMap}.
 *
 * <h2>Durability</h2>
 * A write is visible to every reader when it returns. With the default {@link SyncPolicy#manual()} it returns when its
 * record is in the store's write buffer: after {@link #flush()} returns, every earlier write survives a crash of the
 * process, and after {@link #sync()} (or {@link #close()}) a crash of the operating system or a power loss. A crash
 * loses at most the writes made since the last flush or sync, never anything before them, and never part of a
 * {@link WriteBatch}. {@link SyncPolicy#every} and {@link SyncPolicy#always()} sync by themselves.
 *
 * <h2>Errors</h2>
 * Null keys and values get {@link NullPointerException}; an oversized key, a key that is not Unicode text or a
 * non-positive time to live get {@link IllegalArgumentException}; everything the store itself reports is a
 * {@link ViperException}. A failed call changes nothing.
 *
 * @param <V> the type of the values, as the store's codec reads and writes them
 */
public interface KeyValueStore<V> extends AutoCloseable {

    /** The largest key, in bytes of its UTF-8 encoding. */
    int MAX_KEY_BYTES = 4096;

    /** The largest value, in bytes as the codec encodes it: 1023 MiB. */
    int MAX_VALUE_BYTES = (1 << 30) - (1 << 20);

    /**
     * Opens the store in {@code directory} with default options, creating the directory and an empty store if there
     * is none. An existing store opens with the codec it was written with; a new one uses {@code json}.
     *
     * @param <V> the type of the values, as the store's codec reads and writes them
     * @param directory the store's directory
     * @return the open store, which the caller closes
     * @throws StoreLockedException if another opener holds the store
     * @throws ViperException if no engine is on the module path, the path is a regular file, or the store is damaged
     */
    static <V> KeyValueStore<V> open(Path directory) {
        return open(directory, StoreOptions.defaults());
    }

    /**
     * Opens the store in {@code directory}, creating the directory and an empty store if there is none.
     *
     * <p>The storage engine is found with {@link java.util.ServiceLoader}; with none on the module path, this throws a
     * {@link ViperException} that says which module to add. When the options name a codec, it must be the one the store
     * was written with ({@link CodecMismatchException} otherwise); when they name none, the store uses its own.
     *
     * <p>Opening replays the key log into memory. A record torn by a crash in the middle of an append is cut off,
     * keeping every complete record before it; damage anywhere else is reported as a {@link CorruptStoreException}.
     *
     * @param <V> the type of the values, as the store's codec reads and writes them
     * @param directory the store's directory
     * @param options the codec, clock, log file size, sync policy and the rest; {@link StoreOptions#defaults()} for
     *     none
     * @return the open store, which the caller closes
     * @throws StoreLockedException if another opener, in this process or another, holds the store
     * @throws UnknownCodecException if the codec to use is not on the module path
     * @throws CodecMismatchException if the options name a codec other than the store's
     * @throws CorruptStoreException if a store file is damaged in a way recovery must not paper over
     */
    static <V> KeyValueStore<V> open(Path directory, StoreOptions options) {
        return EngineLoader.engine().open(directory, options);
    }

    /**
     * Copies what can be read of the damaged store in {@code damaged} into a new store in {@code target}, with the
     * new store's default options; see {@link #salvage(Path, Path, StoreOptions)}.
     *
     * @param damaged the directory of the damaged store
     * @param target the directory of the new store: absent, or an empty directory
     * @return what was read, copied, skipped and lost
     * @throws CorruptStoreException if the store's manifest is lost, so its codec is not known: name it with
     *     {@link #salvage(Path, Path, StoreOptions)}
     * @throws ViperException if {@code target} is a file or a directory that is not empty, or {@code damaged} holds
     *     no store
     */
    static SalvageReport salvage(Path damaged, Path target) {
        return salvage(damaged, target, StoreOptions.defaults());
    }

    /**
     * Copies what can be read of the damaged store in {@code damaged} into a new store in {@code target}, as
     * RocksDB's repair and SQLite's recover do, without ever writing to the damaged store: for a store that does not
     * open, or whose reads meet a damaged record.
     *
     * <p>Every value log record whose checksum passes is read; of each key the latest such record wins, deletes and
     * expiry (by the clock of {@code targetOptions}) apply as when a store opens, and a batch applies whole at its
     * commit. Where damage interrupts a batch and sound records follow, the batch's sound records are kept; a batch
     * cut short by the end of the data, as by an interrupted write, is dropped whole. A key whose latest record lies
     * in a damaged range, as the key log tells, is left out and listed in {@link SalvageReport#lostKeys()} rather than
     * given an older value. Values are copied as their stored bytes, so the store's codec need not be on the module
     * path; the new store records the damaged store's codec name, and keeps each key's expiry to the millisecond.
     *
     * <p>The damaged store is opened read-only: nothing in its directory is written, cut, created or deleted. It is
     * held with the shared lock of read-only openers, so a writer cannot open it meanwhile.
     *
     * @param damaged the directory of the damaged store
     * @param target the directory of the new store: absent, or an empty directory
     * @param targetOptions the new store's log file size, clock and sync policy; its codec name is needed only when
     *     the damaged store's manifest, which records the codec, is lost (automatic reclaim is not used)
     * @return what was read, copied, skipped and lost; {@link SalvageReport#complete()} when nothing was skipped
     * @throws CodecMismatchException if {@code targetOptions} name a codec other than the one the store records
     * @throws CorruptStoreException if the store's manifest is lost and {@code targetOptions} name no codec
     * @throws StoreLockedException if a writer holds the damaged store
     * @throws IllegalArgumentException if {@code targetOptions} are read-only
     * @throws ViperException if {@code target} is a file, a directory that is not empty, or inside {@code damaged};
     *     or {@code damaged} holds no store; nothing is written then
     */
    static SalvageReport salvage(Path damaged, Path target, StoreOptions targetOptions) {
        return EngineLoader.engine().salvage(damaged, target, targetOptions);
    }

    /**
     * Returns the value of {@code key}, or null when the key is absent or expired.
     *
     * @param key the key
     * @return its value, or null when it is absent or expired
     * @throws CorruptStoreException if the stored record fails its checksum (the store never returns such bytes)
     * @throws CodecException if the codec cannot decode bytes that passed their checksum
     */
    V get(String key);

    /**
     * Returns the value of {@code key}, or {@code defaultValue} when the key is absent or expired.
     *
     * @param key the key
     * @param defaultValue what to return when the key is absent or expired
     * @return its value, or {@code defaultValue}
     */
    default V getOrDefault(String key, V defaultValue) {
        V value = get(key);
        return value != null ? value : defaultValue;
    }

    /**
     * Maps {@code key} to {@code value}, replacing any earlier value, with no expiry.
     *
     * @param key the key
     * @param value its new value
     * @throws CodecException if the store's codec cannot encode the value; nothing is written
     */
    void put(String key, V value);

    /**
     * Maps {@code key} to {@code value} until {@code timeToLive} has passed on the store's clock (see
     * {@link StoreOptions.Builder#clock}). The time is kept in whole milliseconds, rounded up; an expired key is absent
     * for every method, also after the store is reopened, and its older values never come back.
     *
     * @param key the key
     * @param value its new value
     * @param timeToLive how long the key lives from now
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
     */
    void put(String key, V value, Duration timeToLive);

    /**
     * Maps {@code key} to {@code value} until the instant {@code expiresAt} on the store's clock, kept in whole
     * milliseconds (rounded up). An instant that is not after the store's clock's now removes the key instead, as the
     * put's value would already be expired: the older value never comes back (this keeps an import of exported keys,
     * or a deadline computed elsewhere, free of a race with the clock).
     *
     * @param key the key
     * @param value its new value
     * @param expiresAt when the key expires
     */
    void put(String key, V value, Instant expiresAt);

    /**
     * Returns when {@code key} expires: the instant of its time to live, in whole milliseconds, as a later
     * {@link #put(String, Object, Instant)} would restore it.
     *
     * @param key the key
     * @return when it expires; empty when it has no expiry, and also when it is absent or has expired (the two are
     *     told apart with {@link #containsKey}, or with {@link #get} read before this method)
     */
    Optional<Instant> expiresAt(String key);

    /**
     * Maps {@code key} to {@code value}, with no expiry, if it is absent or expired; does nothing otherwise. Atomic:
     * of several callers racing on an absent key, exactly one writes.
     *
     * @param key the key
     * @param value the value to put if the key is absent
     * @return the key's current value if it is present (nothing was written), or null if {@code value} was put
     */
    V putIfAbsent(String key, V value);

    /**
     * {@link #putIfAbsent(String, Object)} with a time to live: the form for a lease or a lock that lapses, since
     * the key expires after {@code timeToLive} if no one renews it.
     *
     * @param key the key
     * @param value the value to put if the key is absent
     * @param timeToLive how long the key lives from now, if it is put
     * @return the key's current value if it is present (nothing was written), or null if {@code value} was put
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
     */
    V putIfAbsent(String key, V value, Duration timeToLive);

    /**
     * Maps {@code key} to {@code value}, with no expiry, only if it is present; does nothing otherwise.
     *
     * @param key the key
     * @param value its new value
     * @return the value it replaced, or null if the key was absent or expired (nothing was written)
     */
    V replace(String key, V value);

    /**
     * Maps {@code key} to {@code value}, with no expiry, only if its current value {@link Object#equals equals}
     * {@code expected} (both as the codec decodes them): a compare-and-set.
     *
     * @param key the key
     * @param expected the value the key must have
     * @param value its new value
     * @return true if the key had the expected value and now has {@code value}
     */
    boolean replace(String key, V expected, V value);

    /**
     * {@link #replace(String, Object, Object)} that gives the new value a time to live: to renew a lease only while
     * the caller still holds it, for example.
     *
     * @param key the key
     * @param expected the value the key must have
     * @param value its new value
     * @param timeToLive how long the key lives from now, if it is replaced
     * @return true if the key had the expected value and now has {@code value}
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
     */
    boolean replace(String key, V expected, V value, Duration timeToLive);

    /**
     * Removes {@code key} only if its current value {@link Object#equals equals} {@code expected} (both as the codec
     * decodes them).
     *
     * @param key the key
     * @param expected the value the key must have
     * @return true if the key had the expected value and was removed
     */
    boolean remove(String key, V expected);

    /**
     * Removes {@code key} and returns the value it had: {@link #remove(String)} that tells what it removed. Named as
     * JCache's {@code Cache.getAndRemove}, because {@code remove(String)} returns whether a key was removed (and
     * keeps doing so): it does not decode the value, which this method must.
     *
     * @param key the key
     * @return the value it had, or null if it was absent or expired (nothing was written)
     */
    V getAndRemove(String key);

    /**
     * Writes what {@code function} makes of {@code key} and its current value (null if absent or expired): a new
     * value, with no expiry, or null to remove the key (or leave it absent). The class's Javadoc, under "Atomic operations", says
     * where the function runs and what it must not do.
     *
     * @param key the key
     * @param function the new value from the key and its current value; runs once, under the write lock
     * @return the new value, or null if the key is now absent
     */
    V compute(String key, BiFunction<? super String, ? super V, ? extends V> function);

    /**
     * If {@code key} is absent or expired, puts what {@code function} makes of it, with no expiry, unless that is
     * null; the function is not called for a present key.
     *
     * @param key the key
     * @param function the value from the key; runs at most once, under the write lock
     * @return the current value (present, or just put), or null if the key is still absent
     */
    V computeIfAbsent(String key, Function<? super String, ? extends V> function);

    /**
     * If {@code key} is present, writes what {@code function} makes of it and its value, with no expiry, or removes
     * it if that is null; the function is not called for an absent key.
     *
     * @param key the key
     * @param function the new value from the key and its current value; runs at most once, under the write lock
     * @return the new value, or null if the key is now absent
     */
    V computeIfPresent(String key, BiFunction<? super String, ? super V, ? extends V> function);

    /**
     * Puts {@code value} if {@code key} is absent or expired; otherwise writes what {@code function} makes of the
     * current value and {@code value}, or removes the key if that is null. The new value has no expiry. The counter's
     * way: {@code store.merge("hits", 1L, Long::sum)} loses no increment to a racing thread.
     *
     * @param key the key
     * @param value the value to put if the key is absent, and the second argument of {@code function}
     * @param function the new value from the current value and {@code value}; runs at most once, under the write
     *     lock
     * @return the new value, or null if the key is now absent
     */
    V merge(String key, V value, BiFunction<? super V, ? super V, ? extends V> function);

    /**
     * Returns the store as a {@link ConcurrentMap}: a live view, not a copy, whose reads and writes go to the store,
     * for code that takes a {@code Map}.
     *
     * <p>Its methods are the store's, with {@link Map}'s names and results: {@code put} and {@code remove} return the
     * previous value, and the atomic methods are the store's atomic operations (so their functions must not call the
     * store either). Writes have no expiry. {@code keySet()}, {@code values()} and {@code entrySet()} are views too;
     * their iterators are weakly consistent as {@link java.util.concurrent.ConcurrentHashMap}'s are: they never throw
     * {@link java.util.ConcurrentModificationException}, return each key at most once with a value it had while the
     * iteration ran, and support {@code remove}; an entry's {@code setValue} writes through. The iteration walks a
     * copy of the keys taken when it starts ({@link #keys()}), so a key added after that is not seen, and a key
     * removed after it is skipped. {@code size()} is {@link #size()} saturated at {@link Integer#MAX_VALUE}.
     * {@code equals} and {@code hashCode} follow the {@link Map} contract, with the decoded values. Null keys and
     * values are refused with {@link NullPointerException}, as {@link java.util.concurrent.ConcurrentHashMap} does,
     * also by the queries ({@code get(null)}, {@code containsValue(null)}); a key that is not a {@code String} is
     * absent. The view is usable as long as the store is open, and throws {@link StoreClosedException} after.
     *
     * @return the live map view of this store
     */
    default ConcurrentMap<String, V> asMap() {
        return new StoreMap<>(this);
    }

    /**
     * Applies every operation of {@code batch} atomically: after a crash at any moment either all of them are in the
     * store or none, and a concurrent reader sees either none of them or all. An empty batch does nothing.
     *
     * @param batch the puts and removes to apply, in their order
     * @throws IllegalArgumentException if the batch's records together exceed {@link #MAX_VALUE_BYTES}; nothing is written
     * @throws CodecException if the codec cannot encode one of the values; nothing is written
     */
    void write(WriteBatch<V> batch);

    /**
     * Puts every entry of {@code entries} atomically, as one {@link #write(WriteBatch) batch}.
     *
     * @param entries the keys and their new values
     * @throws NullPointerException if a key or value is null; nothing is written
     */
    default void putAll(Map<String, ? extends V> entries) {
        WriteBatch<V> batch = new WriteBatch<>();
        entries.forEach(batch::put);
        write(batch);
    }

    /**
     * Removes {@code key}.
     *
     * @param key the key
     * @return true if a live key was removed; false if it was absent or had expired
     */
    boolean remove(String key);

    /**
     * {@return true if {@code key} is present and not expired}
     *
     * @param key the key
     */
    boolean containsKey(String key);

    /** {@return the number of live keys: present, neither removed nor expired} */
    long size();

    /**
     * Returns the live keys as an immutable snapshot, taken when this method is called. Later writes do not change
     * the returned set. Keys whose bytes are not UTF-8 text ({@link #byteKeys()}) are not in it.
     *
     * @return the live keys
     */
    Set<String> keys();

    /**
     * {@return a cursor over the live keys of {@code range} in order}: unsigned byte order of their UTF-8 encodings,
     * which is the order of their Unicode code points
     *
     * @param range the keys to visit; {@link KeyRange#all()} for every key
     */
    default Cursor<String, V> scan(KeyRange range) {
        return scan(range, Direction.FORWARD);
    }

    /**
     * Returns a cursor over the live keys of {@code range}, forward or in reverse, in the order of their UTF-8 bytes
     * (see {@link ByteKeyStore#scan(KeyRange, Direction)}, which this is with {@code String} keys). A key whose bytes
     * are not well-formed UTF-8 (written through {@link #byteKeys()}) is not a {@code String} key: this scan, like
     * {@link #keys()} and the views of {@link #asMap()}, skips it.
     *
     * @param range the keys to visit
     * @param direction forward or reverse
     * @return an open cursor; close it
     */
    Cursor<String, V> scan(KeyRange range, Direction direction);

    /**
     * Returns this store seen with byte keys: any sequence of up to {@link #MAX_KEY_BYTES} bytes is a key there, and
     * a {@code String} key is the key of its UTF-8 bytes, so both faces read and write the same entries.
     *
     * @return the byte-key face of this store (the same object on every call)
     */
    ByteKeyStore<V> byteKeys();

    /**
     * Rewrites the live records into new files and deletes the old ones, dropping removed, expired and overwritten
     * values. Reads and writes go on while it runs. A crash at any moment of a reclaim leaves the store exactly as it
     * was before the call or exactly as it is after it.
     *
     * @return what the reclaim kept and freed
     */
    ReclaimResult reclaim();

    /**
     * Reads every record of every file and checks its checksum, and that the key logs agree with the value logs and
     * the index with both, without changing anything. Writes go on meanwhile; a reclaim waits.
     *
     * @return the records checked and every problem found, with its file and offset
     */
    VerifyReport verify();

    /**
     * Writes a copy of the store as it is at this call into {@code directory}, which must not exist or be empty,
     * while reads and writes go on. The copy is synced before this returns and opens as a store of its own that holds
     * exactly the data of the moment of the call. A reclaim waits for the backup.
     *
     * @param directory where the copy goes: a directory that does not exist or is empty
     * @throws ViperException if {@code directory} is a file or a directory that is not empty
     */
    void backupTo(Path directory);

    /** {@return the store's figures: live keys and bytes, dead bytes, files and their sizes, last reclaim} */
    StoreStats stats();

    /**
     * Hands every buffered write to the operating system. After it returns, every earlier write survives a crash of
     * the process (a crash of the operating system or a power loss needs {@link #sync()}).
     */
    void flush();

    /**
     * Forces every earlier write to the device: after it returns, they survive a crash of the operating system or a
     * power loss. Threads that sync at the same time share one sync. See {@link SyncPolicy} for syncing
     * automatically.
     */
    void sync();

    /**
     * Flushes and syncs the files, then releases the store. A second call does nothing. Any other call after this one
     * throws {@link StoreClosedException}.
     */
    @Override
    void close();
}
