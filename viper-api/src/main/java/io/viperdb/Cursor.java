package io.viperdb;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The entries of a {@linkplain KeyValueStore#scan scan}, one at a time, in key order. Close it when done (it is
 * {@link AutoCloseable}): an open cursor holds a view of the index that the store cannot drop.
 *
 * <p>A cursor is weakly consistent, as {@link java.util.concurrent.ConcurrentHashMap}'s iterators are: it never throws
 * {@link java.util.ConcurrentModificationException}, returns each key at most once, and returns every key that was
 * live when it was created and is still live when the cursor reaches it. A key written after it was created may be
 * returned or not. It never returns a removed or expired key as live, and never a value that was not stored.
 *
 * <p>Entries are immutable ({@code setValue} throws {@link UnsupportedOperationException}); their keys are copies the
 * caller owns. An entry's value is read from the store lazily, when {@link Map.Entry#getValue()} is first called,
 * and then kept: it is the value the key had when {@link #next()} returned it, or, if the key was written since, a
 * later one. It is null if the key was removed or expired in between.
 *
 * <p>A cursor is for one thread. Once the store is closed, {@link #hasNext()}, {@link #next()},
 * {@link #peekNextKey()} and reading a value throw {@link StoreClosedException}; once the cursor is closed, its
 * {@code hasNext}, {@code next} and {@code peekNextKey} throw {@link IllegalStateException}. {@link #close()} never
 * throws.
 *
 * @param <K> the key type: {@code String} or {@code byte[]}
 * @param <V> the value type
 */
public interface Cursor<K, V> extends Iterator<Map.Entry<K, V>>, AutoCloseable {

    /**
     * Returns the key that {@link #next()} will return, without moving past it.
     *
     * @return the next key
     * @throws NoSuchElementException if there is none
     */
    K peekNextKey();

    /** Removing through a cursor is not supported: remove the key from the store. */
    @Override
    default void remove() {
        throw new UnsupportedOperationException("A cursor is read-only; remove the key from the store");
    }

    /** Releases the cursor. Closing it again does nothing. */
    @Override
    void close();
}
